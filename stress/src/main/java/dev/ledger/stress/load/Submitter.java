package dev.ledger.stress.load;

import dev.ledger.client.ClientStats;
import dev.ledger.client.Decision;
import dev.ledger.client.LedgerBackpressureException;
import dev.ledger.client.LedgerClient;
import dev.ledger.client.LedgerRejectedException;
import dev.ledger.client.Receipt;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.stress.report.LatencyRecorder;
import dev.ledger.stress.verify.AckedEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Sends events through the SDK on a fixed set of lanes and accounts for every outcome. A lane is one
 * {@link LedgerClient} with one connection to one endpoint; an event goes to the lane its Kafka key hashes
 * to, so all events of a key travel in send order on one connection, and the per-(key, lane) sequence written
 * to the acked log lets {@code verify} check that order.
 *
 * <p>Latency is recorded from the time the caller passes to {@link #submit} (the intended send time in open
 * loop). If the SDK answers with backpressure, the event is offered again after a pause that grows with each
 * refusal ({@link BackpressurePause}), until its deadline (start plus the request timeout) or until the driver
 * thread is interrupted: then it counts as a backpressure failure. The wait shows in its latency. Completions
 * arrive on SDK threads and only touch wait-free or lock-free structures. Failures of unmeasured events (setup,
 * warm-up) are counted apart ({@link #unmeasuredFailures()}) so that a setup can refuse to go on without them.
 *
 * <p>Thread-safety: {@link #submit} is called by one driver thread; completions may run on any thread.
 */
public final class Submitter implements AutoCloseable {

    private final List<LedgerClient> lanes = new ArrayList<>();
    private final List<Map<String, long[]>> sequences = new ArrayList<>();
    private final LatencyRecorder latency;
    private final Outcomes outcomes;
    private final Consumer<AckedEntry> ackedSink;
    private final Semaphore window;
    private final long requestTimeoutNanos;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong backpressureRetries = new AtomicLong();
    private final AtomicLong unmeasuredFailures = new AtomicLong();
    private volatile String lastUnmeasuredFailure = "none";
    private volatile boolean measuring = true;
    private final boolean awaitDecision;

    /**
     * @param targets server endpoints; lane i connects to {@code targets[i % targets.size()]}
     * @param lanes number of connections, at least 1
     * @param window closed-loop in-flight limit, or 0 for none (open loop)
     * @param ackedSink receives every ACCEPTED event; called on SDK threads, must not block. {@code null} when no
     *     acked log is wanted: then no per-key sequence is kept either (it is only there for {@code verify})
     * @param awaitDecision send with {@code submitForDecision}: an event ends with the core's decision (counted as
     *     ACCEPTED, since it is stored, and by decision and reason), its latency runs to the decision
     */
    public Submitter(List<String> targets, int lanes, int window, ClientOptions options, LatencyRecorder latency,
            Outcomes outcomes, Consumer<AckedEntry> ackedSink, boolean awaitDecision) {
        this.awaitDecision = awaitDecision;
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("--target must name at least one host:port");
        }
        if (lanes < 1) {
            throw new IllegalArgumentException("--connections must be at least 1: " + lanes);
        }
        this.latency = latency;
        this.outcomes = outcomes;
        this.ackedSink = ackedSink;
        this.window = window > 0 ? new Semaphore(window) : null;
        this.requestTimeoutNanos = options.requestTimeout().toNanos();
        try {
            for (int i = 0; i < lanes; i++) {
                this.lanes.add(options.newClient(targets.get(i % targets.size()), "ledger-stress-" + i));
                sequences.add(new HashMap<>());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Stops or resumes recording latencies and outcomes (setup events are sent unmeasured). */
    public void measuring(boolean on) {
        measuring = on;
    }

    /**
     * Sends one event whose latency counts from {@code startNanos}; in closed loop first waits for room in the
     * window. Returns a future that completes (never exceptionally) once the outcome is recorded. If the thread is
     * interrupted while the event waits out backpressure, the event ends with its backpressure failure and the
     * interrupt flag stays set for the caller.
     */
    public CompletableFuture<Void> submit(MutationEvent event, long startNanos) throws InterruptedException {
        return submit(event, startNanos, awaitDecision);
    }

    /** {@link #submit(MutationEvent, long)}, awaiting the core's decision or not whatever this submitter's default. */
    public CompletableFuture<Void> submit(MutationEvent event, long startNanos, boolean awaitDecision)
            throws InterruptedException {
        if (window != null) {
            window.acquire();
            startNanos = Math.max(startNanos, System.nanoTime());
        }
        String key = Workload.keyOf(event);
        int lane = key.isEmpty() ? 0 : Math.floorMod(key.hashCode(), lanes.size());
        long seq = ackedSink == null ? 0 : sequences.get(lane).computeIfAbsent(key, k -> new long[1])[0]++;
        inFlight.incrementAndGet();
        submitted.incrementAndGet();
        LedgerClient client = lanes.get(lane);
        final long start = startNanos;
        final boolean measured = measuring;
        if (awaitDecision) {
            CompletableFuture<Decision> f = offerWhileBackpressured(() -> client.submitForDecision(event),
                    startNanos + requestTimeoutNanos, System::nanoTime, LockSupport::parkNanos,
                    backpressureRetries::incrementAndGet);
            return f.handle((decision, ex) -> {
                Receipt stored = decision == null ? null : new Receipt(decision.eventId(), Status.STATUS_ACCEPTED,
                        decision.partition(), decision.offset());
                if (decision != null && measured) {
                    outcomes.add(decisionName(decision));
                }
                complete(key, lane, seq, start, measured, stored, ex);
                return null;
            });
        }
        CompletableFuture<Receipt> f = offerWhileBackpressured(() -> client.submitAsync(event),
                startNanos + requestTimeoutNanos, System::nanoTime, LockSupport::parkNanos,
                backpressureRetries::incrementAndGet);
        return f.handle((receipt, ex) -> {
            complete(key, lane, seq, start, measured, receipt, ex);
            return null;
        });
    }

    /** {@code decision:APPLIED} or {@code decision:REJECTED:INSUFFICIENT_FUNDS}. */
    static String decisionName(Decision d) {
        return d.applied() ? "decision:APPLIED"
                : "decision:REJECTED:" + d.reasonCode().name().substring("REASON_".length());
    }

    /**
     * Offers an event, and while the SDK refuses it with backpressure offers it again after a growing pause
     * ({@link BackpressurePause}). No offer goes out at or after {@code deadlineNanos}, checked both before a pause
     * (none that would end past it) and after (a park can overshoot on a loaded machine); an interrupt ends the
     * pauses at once (a park returns at once while the flag is set, which would otherwise spin to the deadline) and
     * is left set. In both cases the last refusal is the outcome.
     *
     * @param onReoffer called before each offer after the first
     * @return the future of the last offer
     */
    static <T> CompletableFuture<T> offerWhileBackpressured(Supplier<CompletableFuture<T>> offer, long deadlineNanos,
            LongSupplier clock, LongConsumer park, Runnable onReoffer) {
        CompletableFuture<T> f = offer.get();
        BackpressurePause pause = null;
        while (f.isCompletedExceptionally() && causeOf(f) instanceof LedgerBackpressureException) {
            if (pause == null) {
                pause = new BackpressurePause(deadlineNanos);
            }
            long pauseNanos = pause.nextPauseNanos(clock.getAsLong());
            if (pauseNanos == BackpressurePause.GIVE_UP) {
                break; // the refusal is the outcome: no offer after the pause could be answered in time
            }
            park.accept(pauseNanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt(); // for the caller: the driver is being stopped
                break;
            }
            if (deadlineNanos - clock.getAsLong() <= 0) {
                break; // the park overshot the deadline
            }
            onReoffer.run();
            f = offer.get();
        }
        return f;
    }

    private void complete(String key, int lane, long seq, long startNanos, boolean measured, Receipt receipt,
            Throwable ex) {
        long latencyNanos = System.nanoTime() - startNanos;
        if (ex == null) {
            if (ackedSink != null) {
                ackedSink.accept(new AckedEntry(receipt.eventId(), key, receipt.partition(), receipt.offset(), lane,
                        seq));
            }
            if (measured) {
                latency.recordNanos(latencyNanos);
                outcomes.accepted();
            }
        } else if (measured) {
            latency.recordError();
            outcomes.add(outcomeName(ex));
        } else {
            lastUnmeasuredFailure = outcomeName(ex);
            unmeasuredFailures.incrementAndGet();
        }
        inFlight.decrementAndGet();
        if (window != null) {
            window.release();
        }
    }

    /** {@code LedgerRejectedException:STATUS_INVALID}, or the exception's simple name. */
    static String outcomeName(Throwable ex) {
        Throwable t = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        if (t instanceof LedgerRejectedException r) {
            return t.getClass().getSimpleName() + ":" + r.status();
        }
        return t.getClass().getSimpleName();
    }

    private static Throwable causeOf(CompletableFuture<?> f) {
        try {
            f.getNow(null);
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    /** Waits until nothing is in flight or the timeout passes; returns true when idle. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    public long inFlight() {
        return inFlight.get();
    }

    public long submitted() {
        return submitted.get();
    }

    /** Unmeasured events (setup, warm-up) that ended in a failure. */
    public long unmeasuredFailures() {
        return unmeasuredFailures.get();
    }

    /** The outcome of the latest failed unmeasured event, like {@link #outcomeName}; {@code none} before one. */
    public String lastUnmeasuredFailure() {
        return lastUnmeasuredFailure;
    }

    public long backpressureRetries() {
        return backpressureRetries.get();
    }

    /** Frames and events sent, summed over the lanes. */
    public Map<String, Object> sdkStats() {
        long frames = 0;
        long events = 0;
        long retried = 0;
        for (LedgerClient c : lanes) {
            ClientStats s = c.stats();
            frames += s.framesSent();
            events += s.eventsSent();
            retried += s.eventsRetried();
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("sdkFramesSent", frames);
        m.put("sdkEventsSent", events);
        m.put("sdkEventsPerFrame", frames == 0 ? 0.0 : (double) events / frames);
        m.put("sdkEventsRetried", retried);
        m.put("backpressureRetries", backpressureRetries.get());
        return m;
    }

    @Override
    public void close() {
        for (LedgerClient c : lanes) {
            c.close();
        }
    }
}
