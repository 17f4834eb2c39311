package dev.ledger.client;

import dev.ledger.proto.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that records each fact about a client: it counts the fact (the counters behind
 * {@link ClientStats}) and then tells the {@link LedgerClientListener}, so stats and listener never disagree.
 * Callers name the fact, never a counter. Without a listener ({@link #NO_LISTENER}) a fact costs a counter
 * increment: no clock read, no allocation.
 *
 * <p>Thread-safe: counters are {@link LongAdder}s, except that events completed on the client's I/O thread (its
 * Acks and Decisions, nearly all of them) are counted in fields only that thread writes
 * ({@link #eventCompletedOnLoop}): a plain store instead of an atomic add per event. A listener failure is caught,
 * counted and logged at most once a {@link #WARN_INTERVAL_NANOS minute}.
 */
final class Recorder {

    private static final Logger log = LoggerFactory.getLogger(Recorder.class);

    /** The default listener; the recorder skips the calls (and their clock reads) for it. */
    static final LedgerClientListener NO_LISTENER = new LedgerClientListener() { };

    static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final VarHandle ACCEPTED_ON_LOOP;
    private static final VarHandle FAILED_ON_LOOP;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACCEPTED_ON_LOOP = lookup.findVarHandle(Recorder.class, "acceptedOnLoop", long.class);
            FAILED_ON_LOOP = lookup.findVarHandle(Recorder.class, "failedOnLoop", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LongAdder framesSent = new LongAdder();
    private final LongAdder eventsSent = new LongAdder();
    private final LongAdder framesAnswered = new LongAdder();
    private final LongAdder eventsAccepted = new LongAdder();
    private final LongAdder eventsFailed = new LongAdder();
    /**
     * Events completed on the I/O thread, written by that thread only, so an increment needs no atomic
     * read-modify-write; written and read with opaque access so no reader sees a torn value. The future completion
     * that follows each increment publishes it to whoever sees the future done.
     */
    private long acceptedOnLoop;
    private long failedOnLoop;
    private final LongAdder eventsRetried = new LongAdder();
    private final LongAdder waitsForRoom = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsLost = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final AtomicLong listenerFailures = new AtomicLong();
    private final AtomicLong lastWarnNanos;
    private final LedgerClientListener listener;
    private final boolean listening;

    Recorder(LedgerClientListener listener) {
        this.listener = listener;
        this.listening = listener != NO_LISTENER;
        this.lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
    }

    /** True when a listener is registered: callers may skip work whose only use is the listener. */
    boolean listening() {
        return listening;
    }

    void clientStarted(LedgerClient client) {
        if (listening) {
            try {
                listener.clientStarted(client);
            } catch (Exception e) {
                listenerFailed("clientStarted", e);
            }
        }
    }

    void submitSent(String endpoint, int events) {
        framesSent.increment();
        eventsSent.add(events);
        if (listening) {
            try {
                listener.submitSent(endpoint, events);
            } catch (Exception e) {
                listenerFailed("submitSent", e);
            }
        }
    }

    void submitAnswered(String endpoint, int events, long sentAtNanos) {
        framesAnswered.increment();
        if (listening) {
            try {
                listener.submitAnswered(endpoint, events, System.nanoTime() - sentAtNanos);
            } catch (Exception e) {
                listenerFailed("submitAnswered", e);
            }
        }
    }

    /** An admitted event ended; {@code submittedAtNanos} is when its submit call was made. */
    void eventCompleted(EventOutcome outcome, Status status, long submittedAtNanos) {
        (outcome.succeeded() ? eventsAccepted : eventsFailed).increment();
        if (listening) {
            try {
                listener.eventCompleted(outcome, status, System.nanoTime() - submittedAtNanos);
            } catch (Exception e) {
                listenerFailed("eventCompleted", e);
            }
        }
    }

    /**
     * {@link #eventCompleted}, called only by the client's one I/O thread: the same count and listener call, without
     * an atomic add. Every call must come from that same thread (a second writer would lose counts).
     */
    void eventCompletedOnLoop(EventOutcome outcome, Status status, long submittedAtNanos) {
        if (outcome.succeeded()) {
            ACCEPTED_ON_LOOP.setOpaque(this, acceptedOnLoop + 1);
        } else {
            FAILED_ON_LOOP.setOpaque(this, failedOnLoop + 1);
        }
        if (listening) {
            try {
                listener.eventCompleted(outcome, status, System.nanoTime() - submittedAtNanos);
            } catch (Exception e) {
                listenerFailed("eventCompleted", e);
            }
        }
    }

    /**
     * {@code events} events that never got an admission permit (backpressure, closed, no room in time): each ends
     * here, {@code latencyNanos} after its submit call (0 when refused at once).
     */
    void eventsRefused(int events, EventOutcome outcome, long latencyNanos) {
        eventsFailed.add(events);
        if (listening) {
            for (int i = 0; i < events; i++) {
                try {
                    listener.eventCompleted(outcome, Status.STATUS_UNSPECIFIED, latencyNanos);
                } catch (Exception e) {
                    listenerFailed("eventCompleted", e);
                }
            }
        }
    }

    void eventRetried() {
        eventsRetried.increment();
        if (listening) {
            try {
                listener.eventRetried();
            } catch (Exception e) {
                listenerFailed("eventRetried", e);
            }
        }
    }

    void waitingForRoom(int events) {
        waitsForRoom.increment();
        if (listening) {
            try {
                listener.waitingForRoom(events);
            } catch (Exception e) {
                listenerFailed("waitingForRoom", e);
            }
        }
    }

    void connectionOpened(String endpoint) {
        connectionsOpened.increment();
        if (listening) {
            try {
                listener.connectionOpened(endpoint);
            } catch (Exception e) {
                listenerFailed("connectionOpened", e);
            }
        }
    }

    void connectionLost(String endpoint, String reason) {
        connectionsLost.increment();
        if (listening) {
            try {
                listener.connectionLost(endpoint, reason);
            } catch (Exception e) {
                listenerFailed("connectionLost", e);
            }
        }
    }

    void connectFailed(String endpoint, String reason) {
        connectFailures.increment();
        if (listening) {
            try {
                listener.connectFailed(endpoint, reason);
            } catch (Exception e) {
                listenerFailed("connectFailed", e);
            }
        }
    }

    /** Counts the failure and logs it, unless another was logged within the last minute. */
    private void listenerFailed(String method, Exception e) {
        long failures = listenerFailures.incrementAndGet();
        if (claimWarning(System.nanoTime())) {
            log.warn("the LedgerClientListener threw from {} ({} listener failures so far, logged at most once a"
                    + " minute); the client goes on", method, failures, e);
        }
    }

    /** True if a warning may be logged at {@code nowNanos}: none was within the last minute; one caller wins. */
    boolean claimWarning(long nowNanos) {
        long last = lastWarnNanos.get();
        return nowNanos - last >= WARN_INTERVAL_NANOS && lastWarnNanos.compareAndSet(last, nowNanos);
    }

    /**
     * The counters now. {@code connectionsLost} is read before {@code connectionsOpened} (a connection is lost only
     * after it opened), so {@link ClientStats#connectionsOpen()} is never negative.
     */
    ClientStats snapshot(int eventsInFlight) {
        long lost = connectionsLost.sum();
        long accepted = eventsAccepted.sum() + (long) ACCEPTED_ON_LOOP.getOpaque(this);
        long failed = eventsFailed.sum() + (long) FAILED_ON_LOOP.getOpaque(this);
        return new ClientStats(framesSent.sum(), eventsSent.sum(), framesAnswered.sum(), accepted, failed,
                eventsRetried.sum(), waitsForRoom.sum(), connectionsOpened.sum(), lost,
                connectFailures.sum(), listenerFailures.get(), eventsInFlight);
    }
}
