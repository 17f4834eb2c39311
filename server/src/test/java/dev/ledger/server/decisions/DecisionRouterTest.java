package dev.ledger.server.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The router's waiter chains on plain objects: registration results, unregistration, UUID and other ids, ids
 * delivered from a record's bytes, and racing event loops.
 */
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
    void anIdRegisteredFromItsReceivedBytesIsTheSameIdAsItsString() {
        for (String id : new String[] {UUID.randomUUID().toString(), "order-17", "0192F1C4-6E2A-7B3C-9D1E-4F5A6B7C8D9E"}) {
            byte[] received = ("xx" + id + "yy").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            AwaitedDecisions a = new AwaitedDecisions(1, 2, x -> { });
            assertThat(router.register(id, received, 2, id.length(), a, 1)).isEqualTo(DecisionRouter.REGISTERED);
            assertThat(router.register(id, a, 0)).as("%s: the String form finds it", id).isEqualTo(1);
            assertThat(router.deliver(id, new byte[] {1})).as(id).isTrue();
            assertThat(router.size()).isZero();
        }
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

    /** A decision record as the core writes it: the event id first. */
    private static byte[] record(String eventId) {
        return Decision.newBuilder().setEventId(eventId).setOutcome(Outcome.OUTCOME_APPLIED).build().toByteArray();
    }

    /** Delivers as the reader does: the id located in the record's bytes. */
    private boolean deliverLocated(byte[] record) {
        long at = DecisionEventIds.locate(record);
        assertThat(at).as("the core's shape").isNotNegative();
        return router.deliver(record, DecisionEventIds.start(at), DecisionEventIds.length(at));
    }

    @Test
    void anIdLocatedInTheRecordsBytesReachesItsWaiterOnBothPaths() {
        for (String id : new String[] {UUID.randomUUID().toString(), "order-17"}) {
            AwaitedDecisions a = submit();
            a.register(0, id, router);
            a.ackWritten(new boolean[] {true});
            byte[] decision = record(id);
            assertThat(deliverLocated(record(id + "0"))).as("another id").isFalse();
            assertThat(deliverLocated(decision)).as(id).isTrue();
            assertThat(a.finish(router)).containsExactly(decision);
            assertThat(deliverLocated(decision)).as("unregistered").isFalse();
        }
        assertThat(router.size()).isZero();
    }

    @Test
    void anUppercaseUuidIsAnotherIdThanItsLowercaseForm() {
        String lower = "0192f1c4-6e2a-7b3c-9d1e-4f5a6b7c8d9e";
        AwaitedDecisions a = submit();
        a.register(0, lower, router);
        assertThat(router.deliver(lower.toUpperCase(), new byte[] {1})).isFalse();
        assertThat(deliverLocated(record(lower.toUpperCase()))).isFalse();
        AwaitedDecisions upper = submit();
        upper.register(0, lower.toUpperCase(), router);
        assertThat(router.size()).isEqualTo(2);
        assertThat(deliverLocated(record(lower.toUpperCase()))).isTrue();
        a.ackWritten(new boolean[] {true});
        assertThat(a.complete()).as("the lowercase id is not decided yet").isFalse();
    }

    @Test
    void waitersOfOneUuidJoinAChainAndLeaveItInAnyOrder() {
        String id = UUID.randomUUID().toString();
        AwaitedDecisions a = new AwaitedDecisions(1, 2, x -> { });
        AwaitedDecisions b = submit();
        AwaitedDecisions c = submit();
        assertThat(router.register(id, a, 1)).isEqualTo(DecisionRouter.REGISTERED);
        assertThat(router.register(id, a, 0)).as("a lone waiter's copy").isEqualTo(1);
        assertThat(router.register(id, b, 0)).isEqualTo(DecisionRouter.REGISTERED);
        assertThat(router.register(id, c, 0)).isEqualTo(DecisionRouter.REGISTERED);
        assertThat(router.register(id, a, 0)).as("a copy behind other waiters").isEqualTo(1);
        router.unregister(id, b);
        router.unregister(id, submit()); // not a waiter: changes nothing
        router.unregister(id, c); // back to a lone waiter, a
        assertThat(router.register(id, a, 0)).as("the lone waiter kept its slot").isEqualTo(1);
        assertThat(router.register(id, c, 0)).isEqualTo(DecisionRouter.REGISTERED);
        byte[] first = record(id);
        assertThat(deliverLocated(first)).isTrue();
        assertThat(router.size()).as("delivered: the id is removed with all its waiters").isZero();
        c.ackWritten(new boolean[] {true});
        assertThat(c.finish(router)).containsExactly(first);
        b.ackWritten(new boolean[] {true});
        assertThat(b.complete()).as("left before the decision").isFalse();
        assertThat(router.register(id, a, 0)).as("a later wait starts afresh").isEqualTo(DecisionRouter.REGISTERED);
        router.unregister(id, a);
        assertThat(router.size()).isZero();
        assertThat(deliverLocated(first)).isFalse();
    }

    @Test
    void manyAwaitedUuidsAreAllFoundAndAllLeave() {
        List<AwaitedDecisions> submits = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String id = new UUID(i / 7, i).toString(); // sequential, not random: the hash spreads them
            AwaitedDecisions a = submit();
            a.register(0, id, router);
            a.ackWritten(new boolean[] {true});
            submits.add(a);
            ids.add(id);
        }
        assertThat(router.size()).isEqualTo(20_000);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(deliverLocated(record(ids.get(i)))).isTrue();
            assertThat(submits.get(i).complete()).isTrue();
        }
        submits.forEach(a -> a.finish(router));
        assertThat(router.size()).isZero();
    }

    /**
     * One event loop registers fresh UUIDs and finishes the completed Submits while the reader's thread delivers
     * their decisions by bytes: every Submit gets its decision and none is left registered.
     */
    @Test
    void anEventLoopRegisteringWhileTheReaderDeliversLosesNoDecision() throws Exception {
        int rounds = 20_000;
        BlockingQueue<byte[]> toDecide = new ArrayBlockingQueue<>(rounds);
        BlockingQueue<AwaitedDecisions> completed = new ArrayBlockingQueue<>(rounds);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                for (int r = 0; r < rounds; r++) {
                    byte[] decision = toDecide.poll(10, TimeUnit.SECONDS);
                    assertThat(decision).as("decision %d handed over", r).isNotNull();
                    assertThat(deliverLocated(decision)).as("registered before it was handed over").isTrue();
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "reader");
        reader.start();
        int finished = 0;
        for (int r = 0; r < rounds; r++) {
            String id = UUID.randomUUID().toString();
            AwaitedDecisions a = new AwaitedDecisions(r, 1, completed::add);
            a.register(0, id, router);
            a.ackWritten(new boolean[] {true});
            toDecide.add(record(id));
            for (AwaitedDecisions done; (done = completed.poll()) != null; finished++) {
                assertThat(done.finish(router)).hasSize(1);
            }
        }
        while (finished < rounds) {
            AwaitedDecisions done = completed.poll(10, TimeUnit.SECONDS);
            assertThat(done).as("completed %d of %d", finished, rounds).isNotNull();
            assertThat(done.finish(router)).hasSize(1);
            finished++;
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(reader.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(router.size()).isZero();
    }

    @Test
    void racingRegistrationsOfSharedUuidsLoseNoWaiterAndLeaveNone() throws Exception {
        String[] shared = {UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString()};
        race(r -> shared[r % 3]);
    }

    @Test
    void racingRegistrationsAndUnregistrationsLoseNoWaiterAndLeaveNone() throws Exception {
        race(r -> "id-" + r % 3);
    }

    /**
     * Event loops register, are delivered to and unregister for a few shared ids at once: a registered waiter is
     * always reached by a decision delivered while it is registered, and nothing is left behind.
     */
    private void race(IntFunction<String> idOf) throws Exception {
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
                        String id = idOf.apply(r + seed);
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
