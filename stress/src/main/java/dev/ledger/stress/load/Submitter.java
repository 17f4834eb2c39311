package dev.ledger.stress.load;

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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Sends events through the SDK on a fixed set of lanes and accounts for every outcome. A lane ({@link Lane}) is
 * one {@link LedgerClient} connected to one target at a time; an event goes to the lane its Kafka key hashes to,
 * so all events of a key travel in send order on one lane, and the per-(key, lane) sequence written to the acked
 * log lets {@code verify} check that order.
 *
 * <p>Every lane gets every target, its own first: lane i starts at target {@code i mod n}. With several targets a
 * watchdog checks the lanes every few hundred milliseconds; a lane with events outstanding and no answer for
 * {@link ClientOptions#failoverAfter()} moves to its next target, and its outstanding events are sent again there
 * (same event ids: the server side stores at least once; the first answer counts). So a killed server stalls its
 * lanes for the failover delay, not for the request timeout. A failover may reorder a key's events around it, as
 * an SDK resend does.
 *
 * <p>Latency is recorded from the time the caller passes to {@link #submit} (the intended send time in open
 * loop). If the SDK answers with backpressure, the event is offered again (to the lane's current client) after a
 * pause that grows with each refusal ({@link BackpressurePause}), until its deadline (start plus the request
 * timeout) or until the driver thread is interrupted: then it counts as a backpressure failure. The wait shows in
 * its latency. Completions arrive on SDK threads and only touch wait-free or lock-free structures. Failures of
 * unmeasured events (setup, warm-up) are counted apart ({@link #unmeasuredFailures()}) so that a setup can refuse
 * to go on without them.
 *
 * <p>Thread-safety: {@link #submit} is called by one driver thread; completions may run on any thread.
 */
public final class Submitter implements AutoCloseable {

    /** One event handed to a lane: sent once, and again after each failover, until its first outcome. */
    static final class Attempt {
        final MutationEvent event;
        final String key;
        final int lane;
        final long seq;
        final long startNanos;
        final boolean measured;
        final boolean awaitDecision;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final AtomicBoolean settled = new AtomicBoolean();
        private final AtomicInteger sends = new AtomicInteger();

        Attempt(MutationEvent event, String key, int lane, long seq, long startNanos, boolean measured,
                boolean awaitDecision) {
            this.event = event;
            this.key = key;
            this.lane = lane;
            this.seq = seq;
            this.startNanos = startNanos;
            this.measured = measured;
            this.awaitDecision = awaitDecision;
        }
    }

    private static final long WATCH_PERIOD_MILLIS = 100;

    private final List<Lane> lanes = new ArrayList<>();
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
    private final AtomicLong failoverResends = new AtomicLong();
    private final AtomicLong failoverErrors = new AtomicLong();
    private volatile String lastUnmeasuredFailure = "none";
    private volatile boolean measuring = true;
    private final boolean awaitDecision;
    private final ScheduledExecutorService watchdog;

    /**
     * @param targets server endpoints; lane i starts at {@code targets[i % targets.size()]} and fails over to the
     *     next ones in order
     * @param lanes number of lanes (SDK clients), at least 1
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
                this.lanes.add(new Lane(i, ClientOptions.rotated(targets, i), options));
                sequences.add(new HashMap<>());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (targets.size() > 1) {
            watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ledger-stress-failover");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(10, Math.min(WATCH_PERIOD_MILLIS, options.failoverAfter().toMillis() / 4));
            watchdog.scheduleWithFixedDelay(this::failStalledLanes, period, period, TimeUnit.MILLISECONDS);
        } else {
            watchdog = null;
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
        int laneIndex = key.isEmpty() ? 0 : Math.floorMod(key.hashCode(), lanes.size());
        long seq = ackedSink == null ? 0 : sequences.get(laneIndex).computeIfAbsent(key, k -> new long[1])[0]++;
        inFlight.incrementAndGet();
        submitted.incrementAndGet();
        Attempt a = new Attempt(event, key, laneIndex, seq, startNanos, measuring, awaitDecision);
        Lane lane = lanes.get(laneIndex);
        lane.opened(a);
        send(lane, a);
        return a.done;
    }

    /** Sends (or sends again) one event on its lane's current client; its outcome settles it unless one did. */
    private void send(Lane lane, Attempt a) {
        a.sends.incrementAndGet();
        long deadline = a.startNanos + requestTimeoutNanos;
        if (a.awaitDecision) {
            offerWhileBackpressured(() -> lane.client().submitForDecision(a.event), deadline, System::nanoTime,
                    LockSupport::parkNanos, backpressureRetries::incrementAndGet)
                    .whenComplete((decision, ex) -> {
                        Receipt stored = decision == null ? null : new Receipt(decision.eventId(),
                                Status.STATUS_ACCEPTED, decision.partition(), decision.offset());
                        ended(lane, a, stored, decision == null ? null : decisionName(decision), ex);
                    });
        } else {
            offerWhileBackpressured(() -> lane.client().submitAsync(a.event), deadline, System::nanoTime,
                    LockSupport::parkNanos, backpressureRetries::incrementAndGet)
                    .whenComplete((receipt, ex) -> ended(lane, a, receipt, null, ex));
        }
    }

    /** One send's outcome: a success settles the event; a failure only once no other send of it is open. */
    private void ended(Lane lane, Attempt a, Receipt receipt, String decision, Throwable ex) {
        boolean last = a.sends.decrementAndGet() == 0;
        if (ex != null && !last) {
            return; // a resend after a failover is still open: its answer decides
        }
        if (!a.settled.compareAndSet(false, true)) {
            return;
        }
        Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        lane.settled(a, ex == null || cause instanceof LedgerRejectedException);
        if (decision != null && a.measured) {
            outcomes.add(decision);
        }
        complete(a.key, a.lane, a.seq, a.startNanos, a.measured, receipt, ex);
        a.done.complete(null);
    }

    /** The watchdog's pass: each stalled lane moves on, and what it has outstanding is sent again there. */
    private void failStalledLanes() {
        try {
            long now = System.nanoTime();
            for (Lane lane : lanes) {
                if (!lane.stalled(now)) {
                    continue;
                }
                LedgerClient retired = lane.failover();
                List<Attempt> resend = lane.outstanding();
                for (Attempt a : resend) {
                    if (!a.settled.get()) {
                        failoverResends.incrementAndGet();
                        send(lane, a);
                    }
                }
                // The retired client's events resolve or time out in the background; close waits for them.
                Thread closer = new Thread(retired::close, "ledger-stress-retire-" + lane.index());
                closer.setDaemon(true);
                closer.start();
            }
        } catch (RuntimeException e) {
            failoverErrors.incrementAndGet(); // e.g. a client that could not be built; the next pass tries again
        }
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

    /** Frames and events sent, summed over the lanes (every client each lane used), and the failovers. */
    public Map<String, Object> sdkStats() {
        long frames = 0;
        long events = 0;
        long retried = 0;
        long failovers = 0;
        for (Lane lane : lanes) {
            long[] s = lane.stats();
            frames += s[0];
            events += s[1];
            retried += s[2];
            failovers += lane.failovers();
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("sdkFramesSent", frames);
        m.put("sdkEventsSent", events);
        m.put("sdkEventsPerFrame", frames == 0 ? 0.0 : (double) events / frames);
        m.put("sdkEventsRetried", retried);
        m.put("backpressureRetries", backpressureRetries.get());
        if (watchdog != null) {
            m.put("laneFailovers", failovers);
            m.put("failoverResends", failoverResends.get());
            m.put("failoverErrors", failoverErrors.get());
        }
        return m;
    }

    /** Lanes that moved to another target so far, summed. */
    public long laneFailovers() {
        return lanes.stream().mapToLong(Lane::failovers).sum();
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        for (Lane lane : lanes) {
            lane.close();
        }
    }
}
