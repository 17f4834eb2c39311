package dev.ledger.client;

import dev.ledger.proto.MutationEvent;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Everything behind the {@link LedgerClient} facade: admission (the in-flight bound), per-event deadline timers,
 * the hand-off to the event loop, and the close sequence. One I/O thread per client: all connection and batching
 * state lives on it unshared, while events are encoded on the submitting threads so the loop only copies bytes.
 *
 * <p>Thread-safe: submit methods from any thread; close from any thread, once effective (a concurrent second close
 * returns at once, without waiting for the first).
 */
final class ClientCore {

    private static final long CLOSE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ClientSettings settings;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Timer deadlines;
    private final Admission admission;
    private final Recorder recorder;
    private final Dispatcher dispatcher;
    private final SubmitQueue submitQueue;
    private final PendingEvent.Settler settler = this::settle;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread deadlineThread;

    ClientCore(ClientSettings settings) {
        this.settings = settings;
        this.group = Transport.newGroup(1, "ledger-client-io");
        this.loop = group.next();
        ThreadFactory timerThreads = new DefaultThreadFactory("ledger-client-deadlines", true);
        this.deadlines = new HashedWheelTimer(runnable -> {
            Thread thread = timerThreads.newThread(runnable);
            deadlineThread = thread;
            return thread;
        }, 10, TimeUnit.MILLISECONDS);
        this.admission = new Admission(settings.maxInFlightEvents());
        this.recorder = new Recorder(settings.listener());
        this.dispatcher = new Dispatcher(loop, settings, recorder);
        this.submitQueue = new SubmitQueue(loop, dispatcher, settings.lingerNanos(), settings.maxEventsPerBatch());
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(Transport.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(settings.connectTimeoutNanos())));
        for (Endpoint endpoint : settings.endpoints()) {
            for (int i = 0; i < settings.connectionsPerEndpoint(); i++) {
                dispatcher.addSlot(new ConnectionSlot(endpoint, bootstrap, dispatcher, settings, recorder));
            }
        }
        loop.execute(() -> dispatcher.slots().forEach(ConnectionSlot::connect));
    }

    /** Tells the listener the client is built; from the facade's constructor, on the thread that called build(). */
    void started(LedgerClient client) {
        recorder.clientStarted(client);
    }

    CompletableFuture<Receipt> submitAsync(MutationEvent event) {
        return admitOne(event, false).future;
    }

    CompletableFuture<Decision> submitForDecision(MutationEvent event) {
        return admitOne(event, true).decision;
    }

    List<CompletableFuture<Receipt>> submitAsync(List<MutationEvent> events) {
        return futures(admitList(events, false), false);
    }

    List<CompletableFuture<Decision>> submitForDecision(List<MutationEvent> events) {
        return futures(admitList(events, true), true);
    }

    /** Admits one event without waiting; at the in-flight limit it fails at once (backpressure). */
    private PendingEvent admitOne(MutationEvent event, boolean awaitDecision) {
        Objects.requireNonNull(event, "event");
        if (closed.get()) {
            recorder.eventsRefused(1, EventOutcome.CLOSED, 0);
            return failed(event.getEventId(), awaitDecision, closedFailure());
        }
        if (!admission.tryAdmit(1)) {
            recorder.eventsRefused(1, EventOutcome.BACKPRESSURE, 0);
            return failed(event.getEventId(), awaitDecision, new LedgerBackpressureException("event "
                    + event.getEventId() + " refused: " + admission.max() + " events already in flight (maxInFlightEvents)"));
        }
        // One clock read: the submit time is also the time the deadline timer is armed from.
        long nowNanos = System.nanoTime();
        PendingEvent p = pending(event, nowNanos + settings.requestTimeoutNanos(), nowNanos, 1, awaitDecision);
        enqueue(List.of(p));
        return p;
    }

    private List<PendingEvent> admitList(List<MutationEvent> events, boolean awaitDecision) {
        checkList(events);
        if (closed.get()) {
            recorder.eventsRefused(events.size(), EventOutcome.CLOSED, 0);
            return failedAll(events, awaitDecision, closedFailure());
        }
        if (!admission.tryAdmit(events.size())) {
            recorder.eventsRefused(events.size(), EventOutcome.BACKPRESSURE, 0);
            return failedAll(events, awaitDecision, new LedgerBackpressureException(events.size() + " events refused: "
                    + admission.outstanding() + " of " + admission.max() + " in flight (maxInFlightEvents)"));
        }
        return admitted(events, System.nanoTime(), awaitDecision);
    }

    /** Waits for room up to the deadline, then submits; the caller then waits on the events' futures. */
    List<PendingEvent> submitWaitingForRoom(List<MutationEvent> events, boolean awaitDecision) {
        checkList(events);
        if (loop.inEventLoop()) {
            throw new IllegalStateException("blocking submit called on the client's own I/O thread");
        }
        long startNanos = System.nanoTime();
        if (closed.get()) {
            recorder.eventsRefused(events.size(), EventOutcome.CLOSED, System.nanoTime() - startNanos);
            throw closedFailure();
        }
        try {
            if (!admission.tryAdmit(events.size())) {
                recorder.waitingForRoom(events.size());
                if (!admission.admit(events.size(), startNanos + settings.requestTimeoutNanos() - System.nanoTime())) {
                    recorder.eventsRefused(events.size(), EventOutcome.TIMED_OUT, System.nanoTime() - startNanos);
                    throw new LedgerTimeoutException("no room for " + events.size() + " events within "
                            + TimeUnit.NANOSECONDS.toMillis(settings.requestTimeoutNanos()) + " ms: "
                            + admission.max() + " in flight (maxInFlightEvents)");
                }
            }
        } catch (InterruptedException e) {
            recorder.eventsRefused(events.size(), EventOutcome.CLOSED, System.nanoTime() - startNanos);
            Thread.currentThread().interrupt();
            throw new LedgerClosedException("interrupted while waiting for room to submit");
        }
        return admitted(events, startNanos, awaitDecision);
    }

    private List<PendingEvent> admitted(List<MutationEvent> events, long startNanos, boolean awaitDecision) {
        long deadlineNanos = startNanos + settings.requestTimeoutNanos();
        List<PendingEvent> pending = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            pending.add(pending(events.get(i), deadlineNanos, System.nanoTime(), i == 0 ? events.size() : 1,
                    awaitDecision));
        }
        enqueue(pending);
        return pending;
    }

    /** An admitted event, encoded here on the submitting thread, its deadline timer armed at {@code nowNanos}. */
    private PendingEvent pending(MutationEvent event, long deadlineNanos, long nowNanos, int groupSize,
            boolean awaitDecision) {
        PendingEvent p = new PendingEvent(event.getEventId(), EventKeys.of(event), event.toByteString(),
                deadlineNanos, groupSize, settler, awaitDecision);
        armDeadline(p, deadlineNanos - nowNanos);
        return p;
    }

    /** Hands one submit call's admitted events to the event loop. */
    private void enqueue(List<PendingEvent> pending) {
        if (!submitQueue.add(pending) || closed.get()) {
            // Lost a race with close(): its sweep may not have seen these, so end them here (first outcome wins).
            pending.forEach(p -> p.fail(closedFailure()));
        }
    }

    private void armDeadline(PendingEvent p, long delayNanos) {
        try {
            p.deadlineTimer = deadlines.newTimeout(new Deadline(p), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (IllegalStateException e) {
            p.fail(closedFailure()); // timer already stopped: the client is closed
        }
    }

    /**
     * An event's deadline timer task. Named, not a lambda, so close() can find the event of every timeout the
     * stopped timer hands back: each unsettled event has exactly one such timeout pending.
     */
    private final class Deadline implements TimerTask {
        private final PendingEvent event;

        Deadline(PendingEvent event) {
            this.event = event;
        }

        @Override
        public void run(Timeout timeout) {
            event.expire(settings.requestTimeoutNanos(), dispatcher.lastConnectionProblem());
        }
    }

    /**
     * Runs once per admitted event, before its future completes: the permit is free, and the outcome recorded,
     * when callbacks run.
     */
    private void settle(PendingEvent p, EventOutcome outcome, dev.ledger.proto.Status status) {
        admission.release(1);
        if (p.deadlineTimer != null) {
            p.deadlineTimer.cancel();
        }
        long submittedAtNanos = p.deadlineNanos - settings.requestTimeoutNanos();
        if (loop.inEventLoop()) {
            recorder.eventCompletedOnLoop(outcome, status, submittedAtNanos); // an Ack or Decision: no atomic add
        } else {
            recorder.eventCompleted(outcome, status, submittedAtNanos);
        }
        if (settings.strictKeyOrder()) {
            dispatcher.keySettled(p);
        }
    }

    ClientStats stats() {
        return recorder.snapshot(admission.outstanding());
    }

    /** For tests: the client's I/O thread. */
    EventLoop loop() {
        return loop;
    }

    /** For tests: events the dispatcher holds in its ready queue and retry backoff; waits for the I/O thread. */
    int heldEvents() throws Exception {
        return loop.submit(dispatcher::heldEvents).get(5, TimeUnit.SECONDS);
    }

    /**
     * Stops new submits, waits up to requestTimeout for results in flight, fails the rest, releases threads. The
     * first call does the work; a concurrent or later call returns at once.
     */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // On one of our own threads (a future's callback) waiting would only stall the results we wait for.
        boolean ownThread = loop.inEventLoop() || Thread.currentThread() == deadlineThread;
        if (!ownThread) {
            long deadline = System.nanoTime() + settings.requestTimeoutNanos();
            while (admission.outstanding() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(CLOSE_POLL_NANOS);
            }
        }
        Runnable sweep = () -> {
            List<PendingEvent> left = new ArrayList<>(submitQueue.drainAll());
            left.addAll(dispatcher.takeAll());
            dispatcher.slots().forEach(ConnectionSlot::close);
            left.forEach(p -> p.fail(closedFailure()));
        };
        if (loop.inEventLoop()) {
            sweep.run();
        } else {
            // Bounded: the loop may be stuck in an application callback; stopDeadlines() ends what this misses.
            loop.submit(sweep).awaitUninterruptibly(settings.connectTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
        // The timer cannot stop itself from its own thread.
        if (Thread.currentThread() == deadlineThread) {
            Thread stopper = new Thread(this::stopDeadlines, "ledger-client-deadlines-stop");
            stopper.setDaemon(true);
            stopper.start();
        } else {
            stopDeadlines();
        }
        Future<?> terminated = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (!ownThread) {
            terminated.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /**
     * Stops the deadline timer and fails every event whose deadline had not yet fired: exactly the events still
     * unsettled, including any the sweep did not reach. Settling is first-outcome-wins, so racing a late sweep on
     * the loop is harmless.
     */
    private void stopDeadlines() {
        Set<Timeout> unfired = deadlines.stop();
        for (Timeout timeout : unfired) {
            if (timeout.task() instanceof Deadline d) {
                d.event.fail(closedFailure());
            }
        }
    }

    private static LedgerClosedException closedFailure() {
        return new LedgerClosedException("client is closed");
    }

    private void checkList(List<MutationEvent> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty() || events.size() > admission.max()) {
            throw new IllegalArgumentException("events must hold 1.." + admission.max() + " events: " + events.size());
        }
        for (MutationEvent e : events) {
            Objects.requireNonNull(e, "events must not contain null");
        }
    }

    /** The callers' futures: the decisions' when {@code decisions}, else the receipts'. */
    @SuppressWarnings("unchecked")
    static <T> List<CompletableFuture<T>> futures(List<PendingEvent> pending, boolean decisions) {
        List<CompletableFuture<T>> out = new ArrayList<>(pending.size());
        for (PendingEvent p : pending) {
            out.add((CompletableFuture<T>) (decisions ? p.decision : p.future));
        }
        return out;
    }

    /** An event that never entered: already failed, holding no permit. */
    private static PendingEvent failed(String eventId, boolean awaitDecision, LedgerException failure) {
        PendingEvent p = new PendingEvent(eventId, com.google.protobuf.ByteString.EMPTY, 0, 1,
                PendingEvent.NO_BOOKKEEPING, awaitDecision);
        p.fail(failure);
        return p;
    }

    private static List<PendingEvent> failedAll(List<MutationEvent> events, boolean awaitDecision,
            LedgerException failure) {
        List<PendingEvent> out = new ArrayList<>(events.size());
        for (MutationEvent e : events) {
            out.add(failed(e.getEventId(), awaitDecision, failure));
        }
        return out;
    }
}
