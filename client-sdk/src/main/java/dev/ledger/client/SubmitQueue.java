package dev.ledger.client;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands events from application threads to the event loop (gRPC's WriteQueue habit): producers add lock-free and
 * schedule at most one drain; the drain moves everything queued to the {@link Dispatcher}, which writes it with one
 * flush per connection. A drain waits up to {@code linger} for more events, unless a full batch is already queued.
 * Bounded: nothing enters without an {@link Admission} permit, so it never holds more than maxInFlightEvents.
 * Each element is one submit call's events, so a list submitted together stays contiguous.
 *
 * <p>Thread-safe: {@link #add} from any thread; {@link #drainAll} on the event loop.
 */
final class SubmitQueue {

    private final ConcurrentLinkedQueue<List<PendingEvent>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final EventLoop loop;
    private final Dispatcher dispatcher;
    private final long lingerNanos;
    private final int fullBatch;
    private final Runnable drain = this::drain;

    SubmitQueue(EventLoop loop, Dispatcher dispatcher, long lingerNanos, int fullBatch) {
        this.loop = loop;
        this.dispatcher = dispatcher;
        this.lingerNanos = lingerNanos;
        this.fullBatch = fullBatch;
    }

    /** Queues one submit call's events; false if the event loop no longer runs (client closing). */
    boolean add(List<PendingEvent> events) {
        queue.add(events);
        int after = queuedEvents.addAndGet(events.size());
        boolean full = after >= fullBatch;
        try {
            if (drainScheduled.compareAndSet(false, true)) {
                if (lingerNanos == 0 || full) {
                    loop.execute(drain);
                } else {
                    loop.schedule(drain, lingerNanos, TimeUnit.NANOSECONDS);
                }
            } else if (full && after - events.size() < fullBatch) {
                loop.execute(drain); // a batch filled up while a lingering drain waits: go now
            }
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void drain() {
        drainScheduled.set(false); // before polling: a producer that adds after the poll schedules anew
        List<PendingEvent> events;
        while ((events = queue.poll()) != null) {
            queuedEvents.addAndGet(-events.size());
            dispatcher.enqueue(events);
        }
        dispatcher.dispatch();
    }

    /** Removes everything queued, for close(). */
    List<PendingEvent> drainAll() {
        List<PendingEvent> all = new ArrayList<>();
        List<PendingEvent> events;
        while ((events = queue.poll()) != null) {
            queuedEvents.addAndGet(-events.size());
            all.addAll(events);
        }
        return all;
    }
}
