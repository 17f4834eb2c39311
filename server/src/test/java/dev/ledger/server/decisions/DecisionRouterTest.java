package dev.ledger.server.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The router's waiter chains on plain objects: registration results, unregistration, and racing event loops. */
@Timeout(60)
class DecisionRouterTest {

    private final DecisionRouter router = new DecisionRouter();

    private static AwaitedDecisions submit() {
        return new AwaitedDecisions(1, 1, a -> { });
    }

    @Test
    void aSecondRegistrationOfOneSubmitNamesItsFirstSlotAndAddsNothing() {
        AwaitedDecisions a = new AwaitedDecisions(1, 3, x -> { });
        assertThat(router.register("id", a, 0)).isEqualTo(DecisionRouter.REGISTERED);
        assertThat(router.register("id", a, 2)).isEqualTo(0);
        AwaitedDecisions b = submit();
        assertThat(router.register("id", b, 0)).isEqualTo(DecisionRouter.REGISTERED);
        assertThat(router.register("id", a, 1)).as("found behind another Submit's waiter").isEqualTo(0);
    }

    @Test
    void unregisteringTheOnlyWaiterRemovesTheId() {
        AwaitedDecisions a = submit();
        router.register("id", a, 0);
        router.unregister("id", submit()); // not a waiter: changes nothing
        assertThat(router.size()).isEqualTo(1);
        router.unregister("id", a);
        assertThat(router.size()).isZero();
        assertThat(router.deliver("id", new byte[] {1})).isFalse();
    }

    @Test
    void unregisteringOneOfSeveralWaitersKeepsTheOthersAndFreesItsPlace() {
        List<AwaitedDecisions> waiting = new ArrayList<>();
        for (int i = 0; i < DecisionRouter.MAX_WAITERS_PER_EVENT_ID; i++) {
            AwaitedDecisions a = submit();
            a.register(0, "hot", router);
            waiting.add(a);
        }
        assertThat(router.register("hot", submit(), 0)).isEqualTo(DecisionRouter.REFUSED);
        AwaitedDecisions middle = waiting.remove(5);
        middle.finish(router);
        assertThat(router.size()).isEqualTo(1);
        AwaitedDecisions last = submit();
        last.register(0, "hot", router); // takes the free place: it gets the decision below, not DECISION_PENDING
        assertThat(router.register("hot", submit(), 0)).isEqualTo(DecisionRouter.REFUSED);
        waiting.add(last);
        byte[] decision = {10, 3, 'h', 'o', 't'};
        assertThat(router.deliver("hot", decision)).isTrue();
        for (AwaitedDecisions a : waiting) {
            a.ackWritten(new boolean[] {true});
            assertThat(a.complete()).isTrue();
            assertThat(a.finish(router)).containsExactly(decision);
        }
        middle.ackWritten(new boolean[] {true});
        assertThat(middle.complete()).as("unregistered before the decision").isFalse();
        assertThat(router.size()).isZero();
    }

    /**
     * Event loops register, are delivered to and unregister for a few shared ids at once: a registered waiter is
     * always reached by a decision delivered while it is registered, and nothing is left behind.
     */
    @Test
    void racingRegistrationsAndUnregistrationsLoseNoWaiterAndLeaveNone() throws Exception {
        int threads = 4;
        int rounds = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong delivered = new AtomicLong();
        List<Thread> loops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            Thread loop = new Thread(() -> {
                try {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        String id = "id-" + (r + seed) % 3;
                        byte[] decision = id.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        AwaitedDecisions a = new AwaitedDecisions(r, 1, x -> { });
                        a.register(0, id, router);
                        a.ackWritten(new boolean[] {true});
                        router.deliver(id, decision);
                        // Another loop's delivery of the same id may have won the slot and not yet counted it down
                        // (first wins; the winner completes the Submit): complete within a bounded wait.
                        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                        while (!a.complete() && System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        assertThat(a.complete()).as("delivered while registered").isTrue();
                        assertThat(a.finish(router)).hasSize(1);
                        delivered.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "loop-" + t);
            loops.add(loop);
            loop.start();
        }
        start.countDown();
        for (Thread loop : loops) {
            loop.join(TimeUnit.SECONDS.toMillis(50));
            assertThat(loop.isAlive()).as(loop.getName() + " finished").isFalse();
        }
        assertThat(failure.get()).isNull();
        assertThat(delivered.get()).isEqualTo((long) threads * rounds);
        assertThat(router.size()).as("every waiter left").isZero();
    }
}
