package dev.ledger.faults;

import dev.ledger.client.LedgerClient;
import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import dev.ledger.proto.MutationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives one {@link LedgerClient} from a few threads at a steady rate until stopped, and keeps every future so
 * the scenario can prove that each one completed: the continuous load every fault scenario runs under.
 *
 * <p>Each thread paces itself to its share of {@code eventsPerSecond} and never has more than its share of
 * {@code maxOutstanding} futures open (so {@code submitAsync} stays below the client's in-flight limit; while a
 * fault holds results back, sending pauses instead of piling up). It records sent / accepted / failed counts,
 * failures by exception type, the ids of ACCEPTED events, the worst latency overall, and the worst latency of
 * events whose life overlapped the fault window marked by {@link #faultStarted()} / {@link #faultEnded()}.
 *
 * <p>Thread-safe: counters are atomics, sets are concurrent.
 */
final class LoadRunner {

    /** Everything a scenario reports and asserts on, once the load is stopped. */
    record Result(long sent, long accepted, long failed, long unanswered, long maxLatencyMs,
            long worstFaultLatencyMs, Set<String> acceptedIds, Map<String, Long> failuresByType) {
    }

    private final LedgerClient client;
    private final String name;
    private final List<Thread> threads = new ArrayList<>();
    private final Semaphore outstanding;
    private final ConcurrentLinkedQueue<CompletableFuture<Receipt>> futures = new ConcurrentLinkedQueue<>();
    private final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> failuresByType = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    private final AtomicLong worstFaultLatencyNanos = new AtomicLong();
    private volatile long faultStartNanos;
    private volatile long faultEndNanos;
    private volatile boolean stopped;

    private LoadRunner(LedgerClient client, String name, int maxOutstanding) {
        this.client = client;
        this.name = name;
        this.outstanding = new Semaphore(maxOutstanding);
    }

    /**
     * Starts {@code threadCount} sender threads.
     *
     * @param eventsPerSecond total target rate over all threads
     * @param maxOutstanding most futures open at once over all threads
     */
    static LoadRunner start(LedgerClient client, String name, int threadCount, int eventsPerSecond,
            int maxOutstanding) {
        LoadRunner runner = new LoadRunner(client, name, maxOutstanding);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) * threadCount / eventsPerSecond;
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> runner.sendLoop(intervalNanos), "load-" + name + "-" + i);
            t.setDaemon(true);
            runner.threads.add(t);
            t.start();
        }
        return runner;
    }

    void faultStarted() {
        faultStartNanos = System.nanoTime();
    }

    void faultEnded() {
        faultEndNanos = System.nanoTime();
    }

    long accepted() {
        return accepted.get();
    }

    /** Waits (bounded) until at least {@code count} events were accepted in total. */
    boolean awaitAccepted(long count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (accepted.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    /** Stops sending, waits up to {@code bound} for every open future, and returns the figures. */
    Result stopAndAwait(Duration bound) {
        stopped = true;
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        try {
            all.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timeoutOrFailure) {
            // failures are counted per future; a timeout shows up as unanswered below
        }
        long unanswered = futures.stream().filter(f -> !f.isDone()).count();
        Map<String, Long> failures = new TreeMap<>();
        failuresByType.forEach((k, v) -> failures.put(k, v.get()));
        return new Result(sent.get(), accepted.get(), failed.get(), unanswered,
                TimeUnit.NANOSECONDS.toMillis(maxLatencyNanos.get()),
                TimeUnit.NANOSECONDS.toMillis(worstFaultLatencyNanos.get()), Set.copyOf(acceptedIds), failures);
    }

    private void sendLoop(long intervalNanos) {
        long next = System.nanoTime();
        while (!stopped) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            try {
                if (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue; // results are held back (a fault); keep checking the stop flag
                }
            } catch (InterruptedException e) {
                return;
            }
            next = Math.max(next + intervalNanos, System.nanoTime() - 10 * intervalNanos);
            submitOne();
        }
    }

    private void submitOne() {
        MutationEvent event = nextEvent();
        long startNanos = System.nanoTime();
        CompletableFuture<Receipt> future;
        try {
            future = client.submitAsync(event);
        } catch (RuntimeException e) {
            outstanding.release();
            countFailure(e);
            return;
        }
        sent.incrementAndGet();
        // Keep the stage that runs the bookkeeping, so "all done" also means "all counted".
        futures.add(future.whenComplete((receipt, error) -> {
            outstanding.release();
            long latency = System.nanoTime() - startNanos;
            maxLatencyNanos.accumulateAndGet(latency, Math::max);
            if (overlapsFault(startNanos, startNanos + latency)) {
                worstFaultLatencyNanos.accumulateAndGet(latency, Math::max);
            }
            if (error == null) {
                acceptedIds.add(receipt.eventId());
                accepted.incrementAndGet();
            } else {
                countFailure(error);
            }
        }));
    }

    private boolean overlapsFault(long startNanos, long endNanos) {
        long faultStart = faultStartNanos;
        if (faultStart == 0) {
            return false;
        }
        long faultEnd = faultEndNanos;
        return startNanos <= (faultEnd == 0 ? Long.MAX_VALUE : faultEnd) && endNanos >= faultStart;
    }

    private void countFailure(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        failed.incrementAndGet();
        failuresByType.computeIfAbsent(cause.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
    }

    private MutationEvent nextEvent() {
        int payer = ThreadLocalRandom.current().nextInt(1_000);
        return Mutations.transfer("acct-" + payer, "acct-" + (payer + 1), 10_000, 100, "fee-" + name, 50,
                "tax-" + name, "USD");
    }
}
