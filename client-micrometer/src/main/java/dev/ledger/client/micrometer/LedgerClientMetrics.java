package dev.ledger.client.micrometer;

import dev.ledger.client.EventOutcome;
import dev.ledger.client.LedgerClient;
import dev.ledger.client.LedgerClientListener;
import dev.ledger.proto.Status;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Micrometer meters for one {@link LedgerClient}, fed by the SDK's {@link LedgerClientListener}:
 *
 * <pre>{@code
 * LedgerClientMetrics metrics = new LedgerClientMetrics(Tags.of("client", "payments"));
 * metrics.bindTo(registry);
 * LedgerClient client = LedgerClient.builder().endpoints("ledger-1:7070").listener(metrics.listener()).build();
 * }</pre>
 *
 * <table>
 *   <caption>Meters (each also carries the tags given to the constructor)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>same as {@code stats()}</th></tr>
 *   <tr><td>ledger.client.events</td><td>counter</td><td>outcome, status</td>
 *       <td>eventsAccepted + eventsFailed</td></tr>
 *   <tr><td>ledger.client.event.duration</td><td>timer</td><td>outcome</td><td>from submit call to outcome</td></tr>
 *   <tr><td>ledger.client.submits</td><td>counter</td><td></td><td>framesSent</td></tr>
 *   <tr><td>ledger.client.events.sent</td><td>counter</td><td></td><td>eventsSent</td></tr>
 *   <tr><td>ledger.client.submit.duration</td><td>timer (histogram)</td><td></td><td>framesAnswered</td></tr>
 *   <tr><td>ledger.client.resends</td><td>counter</td><td></td><td>eventsRetried</td></tr>
 *   <tr><td>ledger.client.waits.for.room</td><td>counter</td><td></td><td>waitsForRoom</td></tr>
 *   <tr><td>ledger.client.connection.attempts</td><td>counter</td><td>result: opened, failed</td>
 *       <td>connectionsOpened, connectFailures</td></tr>
 *   <tr><td>ledger.client.connections.lost</td><td>counter</td><td></td><td>connectionsLost</td></tr>
 *   <tr><td>ledger.client.connections</td><td>gauge</td><td></td><td>connectionsOpen()</td></tr>
 *   <tr><td>ledger.client.inflight</td><td>gauge</td><td></td><td>eventsInFlight</td></tr>
 * </table>
 *
 * <p>{@code outcome} is an {@link EventOutcome} in lower case; {@code status} is the wire status of a rejection
 * ({@code invalid}, {@code permission_denied}, {@code unauthenticated}, {@code unspecified}, else {@code other}),
 * {@code accepted} for the normal outcomes and {@code none} for the other failures.
 *
 * <p>Counters and gauges count from the client's start whenever {@link #bindTo} is called; the timers record only
 * once bound, so bind before building the client. One instance serves one client: a second client that registers
 * its listener is refused (the SDK logs it) and would be counted together with the first. Binding to several
 * registries is allowed. Thread-safe.
 */
public final class LedgerClientMetrics implements MeterBinder {

    /** The rejection statuses the SDK reports; each has its own counter. */
    private static final Status[] REJECTIONS = {Status.STATUS_INVALID, Status.STATUS_PERMISSION_DENIED,
        Status.STATUS_UNAUTHENTICATED, Status.STATUS_UNSPECIFIED};
    private static final EventOutcome[] OUTCOMES = EventOutcome.values();

    private final Tags tags;
    /** Per outcome (REJECTED's slot holds rejections of another status), then one per {@link #REJECTIONS}. */
    private final LongAdder[] events = newAdders(OUTCOMES.length + REJECTIONS.length);
    private final LongAdder submits = new LongAdder();
    private final LongAdder eventsSent = new LongAdder();
    private final LongAdder resends = new LongAdder();
    private final LongAdder waitsForRoom = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final AtomicReference<LedgerClient> client = new AtomicReference<>();
    private final Set<MeterRegistry> registries = Collections.newSetFromMap(new IdentityHashMap<>());
    private final LedgerClientListener listener = new Listener();
    /** The timers of each bound registry; replaced whole on bind, read on every event. */
    private volatile Timers[] timers = new Timers[0];

    private record Timers(Timer submitDuration, Timer[] eventDuration) {
    }

    /** Meters without tags of their own. */
    public LedgerClientMetrics() {
        this(Tags.empty());
    }

    /**
     * @param tags added to every meter, e.g. {@code Tags.of("client", "payments")} when a process runs several
     *     clients
     * @throws NullPointerException if tags is null
     */
    public LedgerClientMetrics(Iterable<Tag> tags) {
        this.tags = Tags.of(tags);
    }

    /** The listener to register on the client's builder: {@code LedgerClient.builder().listener(...)}. */
    public LedgerClientListener listener() {
        return listener;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        synchronized (registries) {
            if (!registries.add(registry)) {
                return;
            }
        }
        for (int slot = 0; slot < events.length; slot++) {
            counter("ledger.client.events", events[slot], "events ended, by outcome and status")
                    .tag("outcome", outcomeTag(slot)).tag("status", statusTag(slot)).register(registry);
        }
        counter("ledger.client.submits", submits, "Submit frames written").register(registry);
        counter("ledger.client.events.sent", eventsSent, "events written in Submits, resends included")
                .register(registry);
        counter("ledger.client.resends", resends, "event resends scheduled").register(registry);
        counter("ledger.client.waits.for.room", waitsForRoom,
                "blocking submits that waited at maxInFlightEvents").register(registry);
        counter("ledger.client.connection.attempts", opened, "connection attempts")
                .tag("result", "opened").register(registry);
        counter("ledger.client.connection.attempts", connectFailures, "connection attempts")
                .tag("result", "failed").register(registry);
        counter("ledger.client.connections.lost", lost, "opened connections that ended").register(registry);
        Gauge.builder("ledger.client.connections", this, LedgerClientMetrics::connectionsOpen).tags(tags)
                .description("connections open (welcomed, not yet lost)").strongReference(true).register(registry);
        Gauge.builder("ledger.client.inflight", this, LedgerClientMetrics::eventsInFlight).tags(tags)
                .description("events admitted and not yet resolved").baseUnit("events").strongReference(true)
                .register(registry);
        bindTimers(registry);
    }

    private void bindTimers(MeterRegistry registry) {
        Timer submitDuration = Timer.builder("ledger.client.submit.duration").tags(tags)
                .description("from writing a Submit frame to reading its Ack").publishPercentileHistogram()
                .register(registry);
        Timer[] eventDuration = new Timer[OUTCOMES.length];
        for (EventOutcome outcome : OUTCOMES) {
            eventDuration[outcome.ordinal()] = Timer.builder("ledger.client.event.duration").tags(tags)
                    .tag("outcome", lower(outcome.name())).description("from the submit call to the event's outcome")
                    .register(registry);
        }
        synchronized (registries) {
            List<Timers> all = new ArrayList<>(List.of(timers));
            all.add(new Timers(submitDuration, eventDuration));
            timers = all.toArray(new Timers[0]);
        }
    }

    private FunctionCounter.Builder<LongAdder> counter(String name, LongAdder adder, String description) {
        return FunctionCounter.builder(name, adder, LongAdder::sum).tags(tags).description(description);
    }

    private double connectionsOpen() {
        long gone = lost.sum(); // first: a connection is lost only after it opened, so this is never negative
        return opened.sum() - gone;
    }

    private double eventsInFlight() {
        LedgerClient c = client.get();
        return c == null ? 0 : c.stats().eventsInFlight();
    }

    /** The counter slot of an outcome and status. */
    static int slot(EventOutcome outcome, Status status) {
        if (outcome == EventOutcome.REJECTED) {
            for (int i = 0; i < REJECTIONS.length; i++) {
                if (REJECTIONS[i] == status) {
                    return OUTCOMES.length + i;
                }
            }
        }
        return outcome.ordinal();
    }

    private static String outcomeTag(int slot) {
        return lower((slot < OUTCOMES.length ? OUTCOMES[slot] : EventOutcome.REJECTED).name());
    }

    private static String statusTag(int slot) {
        if (slot >= OUTCOMES.length) {
            return lower(REJECTIONS[slot - OUTCOMES.length].name().substring("STATUS_".length()));
        }
        EventOutcome outcome = OUTCOMES[slot];
        return outcome == EventOutcome.REJECTED ? "other" : outcome.succeeded() ? "accepted" : "none";
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static LongAdder[] newAdders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** Counts into the adders and records into the bound timers; never blocks. */
    private final class Listener implements LedgerClientListener {

        @Override
        public void clientStarted(LedgerClient started) {
            if (!client.compareAndSet(null, started)) {
                throw new IllegalStateException("this LedgerClientMetrics already serves another client: create one"
                        + " per client (with a tag to tell them apart)");
            }
        }

        @Override
        public void submitSent(String endpoint, int n) {
            submits.increment();
            eventsSent.add(n);
        }

        @Override
        public void submitAnswered(String endpoint, int n, long roundTripNanos) {
            for (Timers t : timers) {
                t.submitDuration().record(roundTripNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void eventCompleted(EventOutcome outcome, Status status, long latencyNanos) {
            events[slot(outcome, status)].increment();
            for (Timers t : timers) {
                t.eventDuration()[outcome.ordinal()].record(latencyNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void eventRetried() {
            resends.increment();
        }

        @Override
        public void waitingForRoom(int n) {
            waitsForRoom.increment();
        }

        @Override
        public void connectionOpened(String endpoint) {
            opened.increment();
        }

        @Override
        public void connectionLost(String endpoint, String reason) {
            lost.increment();
        }

        @Override
        public void connectFailed(String endpoint, String reason) {
            connectFailures.increment();
        }
    }
}
