package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which failures make the server replace its producer, and the slot's state machine (claim, backoff, retry, the
 * late failures of a replaced producer) on plain objects: Kafka's own {@link MockProducer} stands in for the
 * producers and a manual scheduler runs the maintenance tasks on the test thread. The replacement on a real broker:
 * {@code ProducerReplacementTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProducerSlotTest {

    private static final String TOPIC = "t";

    @Test
    void errorsThatLeaveAProducerUnusableAreFatal() {
        assertThat(ProducerSlot.isFatal(new ProducerFencedException("fenced"))).isTrue();
        assertThat(ProducerSlot.isFatal(new ClusterAuthorizationException("no IdempotentWrite"))).isTrue();
        assertThat(ProducerSlot.isFatal(new UnsupportedVersionException("old broker"))).isTrue();
        assertThat(ProducerSlot.isFatal(new IllegalStateException("producer has been closed"))).isTrue();
        assertThat(ProducerSlot.isFatal(new KafkaException("wrapped", new ProducerFencedException("f")))).isTrue();
    }

    @Test
    void errorsTheIdempotentProducerRecoversFromAreNotFatal() {
        // Kafka's TransactionManager bumps the epoch / resets the sequence for these; the producer goes on.
        assertThat(ProducerSlot.isFatal(new OutOfOrderSequenceException("gap"))).isFalse();
        assertThat(ProducerSlot.isFatal(new UnknownProducerIdException("gone"))).isFalse();
    }

    @Test
    void errorsOfOneRecordOrOfKafkaItselfAreNotFatal() {
        assertThat(ProducerSlot.isFatal(new NotEnoughReplicasException("1 in sync"))).isFalse();
        assertThat(ProducerSlot.isFatal(new TimeoutException("expired"))).isFalse();
        assertThat(ProducerSlot.isFatal(new RecordTooLargeException("big"))).isFalse();
        assertThat(ProducerSlot.isFatal(new BufferExhaustedException("full"))).isFalse();
        assertThat(ProducerSlot.isFatal(new TopicAuthorizationException("no write on the topic"))).isFalse();
        assertThat(ProducerSlot.isFatal(new KafkaException("Producer is closed forcefully."))).isFalse();
    }

    @Test
    void failuresOfAReplacedProducerAreClaimedSoTheyNeverReachTheCircuit() {
        ManualScheduler scheduler = new ManualScheduler();
        Producers made = new Producers();
        MockProducer<byte[], byte[]> first = made.get();
        ProducerSlot slot = new ProducerSlot(first, made, TOPIC, scheduler, Duration.ofSeconds(5));
        KafkaException dropped = new KafkaException("Producer is closed forcefully.");

        assertThat(slot.onFailure(first, new TimeoutException("broker slow"))).as("Kafka's failure").isFalse();
        assertThat(slot.onFailure(first, new ClusterAuthorizationException("no ACL"))).isTrue();
        assertThat(slot.onFailure(first, dropped)).as("dropped while being replaced").isTrue();
        scheduler.runAll();
        assertThat(slot.current()).isNotSameAs(first);
        assertThat(slot.onFailure(first, dropped)).as("late, from the retired producer").isTrue();
        assertThat(slot.onFailure(slot.current(), new TimeoutException("broker slow"))).isFalse();
        scheduler.shutdownNow();
    }

    @Test
    void persistentFatalFailuresAreReplacedAfterADoublingBackoff() {
        ManualScheduler scheduler = new ManualScheduler();
        Producers made = new Producers();
        ProducerSlot slot = new ProducerSlot(made.get(), made, TOPIC, scheduler, Duration.ofSeconds(5));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Producer<byte[], byte[]> broken = slot.current();
            assertThat(slot.onFailure(broken, new ClusterAuthorizationException("no IdempotentWrite"))).isTrue();
            assertThat(slot.isReplacing()).isTrue();
            scheduler.runNext(); // closes the broken producer, then waits the backoff (if any)
            assertThat(made.all.get(i).closed()).isTrue();
            if (slot.isReplacing()) {
                waits.add(scheduler.nextDelayMillis());
                scheduler.runNext();
            } else {
                waits.add(0L);
            }
            assertThat(slot.isReplacing()).isFalse();
            assertThat(slot.current()).isNotSameAs(broken);
        }
        assertThat(waits).containsExactly(0L, 1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L);
        assertThat(slot.replacements()).isEqualTo(8);
        scheduler.shutdownNow();
    }

    @Test
    void backoffResetsAfterAMinuteWithoutReplacement() {
        long minute = TimeUnit.SECONDS.toNanos(60);
        assertThat(ProducerSlot.nextDelayMillis(0, minute + 1)).isZero();
        assertThat(ProducerSlot.nextDelayMillis(60_000, minute + 1)).isZero();
        assertThat(ProducerSlot.nextDelayMillis(0, 1)).isEqualTo(1000);
        assertThat(ProducerSlot.nextDelayMillis(40_000, 1)).isEqualTo(60_000);
    }

    @Test
    void anErrorWhileMakingTheNewProducerIsRetriedInsteadOfRefusingEventsForever() {
        ManualScheduler scheduler = new ManualScheduler();
        Producers made = new Producers();
        AtomicBoolean failOnce = new AtomicBoolean(true);
        Supplier<Producer<byte[], byte[]>> factory = () -> {
            if (failOnce.getAndSet(false)) {
                throw new NoClassDefFoundError("injected by the test");
            }
            return made.get();
        };
        MockProducer<byte[], byte[]> first = made.get();
        ProducerSlot slot = new ProducerSlot(first, factory, TOPIC, scheduler, Duration.ofSeconds(5));
        slot.onFailure(first, new ProducerFencedException("f"));
        scheduler.runNext();
        assertThat(slot.isReplacing()).isTrue();
        assertThat(scheduler.pending()).as("a retry is scheduled after the Error").isEqualTo(1);
        assertThat(scheduler.nextDelayMillis()).isEqualTo(1000);
        scheduler.runNext();
        assertThat(slot.isReplacing()).isFalse();
        assertThat(slot.current()).isSameAs(made.all.get(1));
        scheduler.shutdownNow();
    }

    @Test
    void aLateFailureOfTheOldProducerRacingTheSwapNeverReplacesTheNewOne() throws Exception {
        // A stress check, not a proof: the unlocked window this guards against was a few instructions wide and
        // was not hit in 300 rounds on 2 cores; the guarantee comes from claim and swap sharing the slot's lock.
        for (int round = 0; round < 300; round++) {
            ManualScheduler scheduler = new ManualScheduler();
            Producers made = new Producers();
            MockProducer<byte[], byte[]> old = made.get();
            ProducerSlot slot = new ProducerSlot(old, made, TOPIC, scheduler, Duration.ofSeconds(5));
            slot.onFailure(old, new ProducerFencedException("first"));
            AtomicBoolean done = new AtomicBoolean();
            Thread late = new Thread(() -> {
                while (!done.get()) {
                    slot.onFailure(old, new ProducerFencedException("late"));
                }
            });
            late.start();
            scheduler.runNext(); // the swap, racing the late failures
            done.set(true);
            late.join(10_000);
            scheduler.runAll();
            Producer<byte[], byte[]> installed = made.all.get(1);
            assertThat(slot.current()).as("round " + round).isSameAs(installed);
            assertThat(made.all).as("round %d: no second replacement", round).hasSize(2);
            assertThat(made.all.get(1).closed()).isFalse();
            assertThat(slot.replacements()).isEqualTo(1);
            assertThat(slot.isReplacing()).isFalse();
            scheduler.shutdownNow();
        }
    }

    /** Makes MockProducers that know topic {@value #TOPIC}, and remembers them. */
    private static final class Producers implements Supplier<Producer<byte[], byte[]>> {
        final List<MockProducer<byte[], byte[]>> all = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public MockProducer<byte[], byte[]> get() {
            Node node = new Node(0, "localhost", 9092);
            Cluster cluster = new Cluster("c", List.of(node),
                    List.of(new PartitionInfo(TOPIC, 0, node, new Node[] {node}, new Node[] {node})), Set.of(), Set.of());
            MockProducer<byte[], byte[]> p = new MockProducer<>(cluster, false, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            all.add(p);
            return p;
        }
    }

    /** Records scheduled tasks; the test runs them, catching what they throw as an executor would. */
    private static final class ManualScheduler extends ScheduledThreadPoolExecutor {
        private final Deque<Runnable> tasks = new ArrayDeque<>();
        private final Deque<Long> delays = new ArrayDeque<>();
        final AtomicInteger thrown = new AtomicInteger();

        ManualScheduler() {
            super(1);
        }

        @Override
        public synchronized ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            tasks.add(task);
            delays.add(unit.toMillis(delay));
            return null;
        }

        synchronized int pending() {
            return tasks.size();
        }

        synchronized long nextDelayMillis() {
            return delays.getFirst();
        }

        void runNext() {
            Runnable task;
            synchronized (this) {
                task = tasks.removeFirst();
                delays.removeFirst();
            }
            try {
                task.run();
            } catch (Throwable t) {
                thrown.incrementAndGet();
            }
        }

        void runAll() {
            while (pending() > 0) {
                runNext();
            }
        }
    }
}
