package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-off of completed Submits to an event loop, on plain objects and a real single-thread event loop, with
 * Kafka's producer threads played by test threads: every Submit reaches its own connection exactly once and in
 * completion order, a burst costs one task and one flush per connection, and a closed connection costs the others
 * nothing.
 */
class AckHandoffTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AtomicInteger tasks = new AtomicInteger();
    private final AckHandoff handoff = new AckHandoff(task -> {
        tasks.incrementAndGet();
        loop.execute(task);
    });
    private final ExecutorService producers = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() throws Exception {
        producers.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** A connection as the drain sees it: records its Acks and flushes, on the loop only. */
    private final class Connection implements PendingSubmit.Target {
        final List<Long> acks = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger flushes = new AtomicInteger();
        final AtomicInteger offLoop = new AtomicInteger();
        volatile boolean closed;
        volatile boolean throwOnWrite;
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        private boolean unflushed;

        @Override
        public void submitComplete(PendingSubmit p) {
            handoff.offer(p); // completed on a "producer thread"
        }

        @Override
        public boolean writeAck(PendingSubmit p) {
            if (!loop.inEventLoop()) {
                offLoop.incrementAndGet();
            }
            if (throwOnWrite) {
                throw new OutOfMemoryError("Direct buffer memory (simulated)");
            }
            if (closed || !p.markAnswered()) {
                return false;
            }
            acks.add(p.requestId());
            boolean first = !unflushed;
            unflushed = true;
            return first;
        }

        @Override
        public void flushAcks() {
            unflushed = false;
            flushes.incrementAndGet();
        }

        @Override
        public void failed(Throwable cause) {
            failures.add(cause);
            closed = true;
        }
    }

    /** Occupies the loop until the returned latch is released, so offers pile up as one burst. */
    private CountDownLatch blockLoop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        loop.execute(() -> {
            blocked.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    private void awaitAcks(List<Connection> connections, int total) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (connections.stream().mapToInt(c -> c.acks.size()).sum() < total) {
            assertThat(System.nanoTime()).as("every Ack written in time").isLessThan(deadline);
            Thread.sleep(5);
        }
        // Let any drain still running finish before counting (nothing more may arrive).
        loop.submit(() -> { }).await(5, TimeUnit.SECONDS);
    }

    @Test
    void aBurstOfferedWhileTheLoopIsBusyIsWrittenByOneTaskWithOneFlushPerConnection() throws Exception {
        List<Connection> connections = List.of(new Connection(), new Connection(), new Connection());
        CountDownLatch release = blockLoop();
        producers.submit(() -> {
            for (int i = 0; i < 300; i++) {
                PendingSubmit p = new PendingSubmit(i, 1, connections.get(i % 3));
                p.accepted(0, "e" + i, 0, i);
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(tasks.get()).as("one drain scheduled for the whole burst").isEqualTo(1);
        release.countDown();
        awaitAcks(connections, 300);

        assertThat(tasks.get()).isEqualTo(1);
        for (int c = 0; c < 3; c++) {
            Connection connection = connections.get(c);
            List<Long> expected = new ArrayList<>();
            for (long i = c; i < 300; i += 3) {
                expected.add(i);
            }
            assertThat(connection.acks).as("its own Acks, in completion order").containsExactlyElementsOf(expected);
            assertThat(connection.flushes.get()).as("flushed once for the burst").isEqualTo(1);
            assertThat(connection.offLoop.get()).isZero();
        }
    }

    @Test
    void aLongBurstIsDrainedInSlicesThatYieldTheLoop() throws Exception {
        Connection connection = new Connection();
        int total = AckHandoff.MAX_ACKS_PER_DRAIN + 10;
        CountDownLatch release = blockLoop();
        for (int i = 0; i < total; i++) {
            new PendingSubmit(i, 1, connection).accepted(0, "e", 0, i);
        }
        release.countDown();
        awaitAcks(List.of(connection), total);
        assertThat(tasks.get()).as("a second task for what one slice left").isEqualTo(2);
        assertThat(connection.flushes.get()).as("one flush per slice").isEqualTo(2);
        assertThat(connection.acks).hasSize(total).doesNotHaveDuplicates();
    }

    @Test
    void manyCompletionsFromProducerThreadsGiveEachSubmitExactlyOneAckInItsOwnConnection() throws Exception {
        List<Connection> connections = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            connections.add(new Connection());
        }
        int submits = 20_000;
        int eventsPerSubmit = 3;
        List<PendingSubmit> pending = new ArrayList<>();
        List<int[]> slots = new ArrayList<>(); // (submit, event) in a random order, split over the threads
        for (int s = 0; s < submits; s++) {
            pending.add(new PendingSubmit(s, eventsPerSubmit, connections.get(s % connections.size())));
            for (int e = 0; e < eventsPerSubmit; e++) {
                slots.add(new int[] {s, e});
            }
        }
        Collections.shuffle(slots, new Random(14));
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            done.add(producers.submit(() -> {
                start.await();
                for (int i = first; i < slots.size(); i += threads) {
                    int[] slot = slots.get(i);
                    pending.get(slot[0]).accepted(slot[1], "e", slot[1], slot[0]);
                }
                return null;
            }));
        }
        start.countDown();
        for (var f : done) {
            f.get(20, TimeUnit.SECONDS);
        }
        awaitAcks(connections, submits);

        for (int c = 0; c < connections.size(); c++) {
            Connection connection = connections.get(c);
            assertThat(connection.offLoop.get()).isZero();
            assertThat(connection.acks).as("connection %d", c).hasSize(submits / connections.size())
                    .doesNotHaveDuplicates().allMatch(id -> id % connections.size() == connections.indexOf(connection));
        }
        assertThat(tasks.get()).as("never more tasks than Submits").isLessThanOrEqualTo(submits);
        for (PendingSubmit p : pending) {
            assertThat(p.offset(0)).isEqualTo(p.requestId()); // each result landed in its own Submit
        }
    }

    @Test
    void aConnectionClosedMeanwhileGetsNoAckAndNoFlushWhileTheOthersGetTheirs() throws Exception {
        Connection open = new Connection();
        Connection closed = new Connection();
        CountDownLatch release = blockLoop();
        for (int i = 0; i < 100; i++) {
            new PendingSubmit(i, 1, i % 2 == 0 ? open : closed).accepted(0, "e", 0, i);
        }
        closed.closed = true;
        release.countDown();
        awaitAcks(List.of(open), 50);
        assertThat(open.acks).hasSize(50).allMatch(id -> id % 2 == 0);
        assertThat(open.flushes.get()).isEqualTo(1);
        assertThat(closed.acks).isEmpty();
        assertThat(closed.flushes.get()).isZero();
    }

    @Test
    void offersAfterTheLoopShutDownAreDroppedQuietly() throws Exception {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        Connection connection = new Connection();
        new PendingSubmit(1, 1, connection).accepted(0, "e", 0, 1);
        assertThat(connection.acks).isEmpty();
        assertThat(tasks.get()).isEqualTo(1);
    }

    @Test
    void anAckThatCannotBeWrittenFailsOnlyItsConnectionAndLaterBurstsStillDrain() throws Exception {
        Connection broken = new Connection();
        Connection healthy = new Connection();
        broken.throwOnWrite = true;
        CountDownLatch release = blockLoop();
        producers.submit(() -> {
            for (int i = 0; i < 10; i++) {
                new PendingSubmit(i, 1, i % 2 == 0 ? broken : healthy).accepted(0, "e" + i, 0, i);
            }
        }).get(10, TimeUnit.SECONDS);
        release.countDown();
        awaitAcks(List.of(healthy), 5);
        assertThat(broken.failures).as("the connection whose write threw is failed").isNotEmpty();
        assertThat(broken.acks).isEmpty();

        // The handoff is not stuck: a later burst is drained too.
        producers.submit(() -> new PendingSubmit(99, 1, healthy).accepted(0, "later", 0, 99)).get(10, TimeUnit.SECONDS);
        awaitAcks(List.of(healthy), 6);
        assertThat(healthy.acks).contains(99L);
    }
}
