package dev.ledger.client;

import dev.ledger.proto.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A listener for tests that counts every call it hears, keyed by method and its arguments that have few values
 * ({@code "eventCompleted ACCEPTED STATUS_ACCEPTED"}, {@code "connectionOpened 127.0.0.1:7070"}), and sums the
 * event counts and round-trip times. Thread-safe.
 */
final class CountingListener implements LedgerClientListener {

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    final LongAdder eventsSent = new LongAdder();
    final LongAdder eventsAnswered = new LongAdder();
    final LongAdder negativeDurations = new LongAdder();
    volatile LedgerClient client;

    /** How often the call with this key was heard. */
    long count(String key) {
        LongAdder n = calls.get(key);
        return n == null ? 0 : n.sum();
    }

    /** How often a call whose key starts with {@code prefix} was heard. */
    long countStartingWith(String prefix) {
        return calls.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    private void heard(String key) {
        calls.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private void duration(long nanos) {
        if (nanos < 0) {
            negativeDurations.increment();
        }
    }

    @Override
    public void clientStarted(LedgerClient started) {
        client = started;
        heard("clientStarted");
    }

    @Override
    public void submitSent(String endpoint, int events) {
        eventsSent.add(events);
        heard("submitSent " + endpoint);
    }

    @Override
    public void submitAnswered(String endpoint, int events, long roundTripNanos) {
        eventsAnswered.add(events);
        duration(roundTripNanos);
        heard("submitAnswered " + endpoint);
    }

    @Override
    public void eventCompleted(EventOutcome outcome, Status status, long latencyNanos) {
        duration(latencyNanos);
        heard("eventCompleted " + outcome + " " + status);
    }

    @Override
    public void eventRetried() {
        heard("eventRetried");
    }

    @Override
    public void waitingForRoom(int events) {
        heard("waitingForRoom " + events);
    }

    @Override
    public void connectionOpened(String endpoint) {
        heard("connectionOpened " + endpoint);
    }

    @Override
    public void connectionLost(String endpoint, String reason) {
        heard("connectionLost " + endpoint);
    }

    @Override
    public void connectFailed(String endpoint, String reason) {
        heard("connectFailed " + endpoint);
    }
}
