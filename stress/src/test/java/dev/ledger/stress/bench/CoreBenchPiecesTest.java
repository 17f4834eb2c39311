package dev.ledger.stress.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.CoreNode;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.devkafka.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The core phase's pieces against a real broker and an in-process core: the pre-fill writes decidable events with
 * the asked share of overdrafts, and the admin scrape reads the sequence, the role and the decisions by kind.
 */
class CoreBenchPiecesTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void prefilledEventsAreDecidedAndTheOverdraftsRejected() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startSingleNode()) {
            kafka.createTopic("fill.mutations", 3, 1, Map.of());
            MutationFill fill = new MutationFill(kafka.bootstrapServers(), "fill.mutations", 20, 0.1, 7);
            long opened = fill.writeSetup(0);
            assertThat(opened).isEqualTo(23);
            try (CoreNode core = CoreNode.start(CoreConfig.builder().bootstrapServers(kafka.bootstrapServers())
                    .mutationsTopic("fill.mutations").decisionsTopic("fill.decisions")
                    .snapshotsTopic("fill.snapshots").leaseTopic("fill.lease").groupId("fill").transactionalId("fill")
                    .adminBindAddress("127.0.0.1").adminPort(0).build())) {
                CoreAdmin admin = new CoreAdmin(core.adminPort());
                await(admin, sc -> sc.active() && sc.nextSequence() == opened);
                long setup = opened + fill.writeSetup(1);
                assertThat(setup).isEqualTo(fill.setupEvents()).isEqualTo(43);
                await(admin, sc -> sc.nextSequence() == setup);
                fill.writeTransfers(500);

                CoreAdmin.Scrape sc = await(admin, s -> s.nextSequence() == setup + 500);

                assertThat(fill.overdrafts()).isBetween(20L, 90L);
                assertThat(sc.decisionsByKind()).containsEntry("rejected insufficient_funds", fill.overdrafts())
                        .containsEntry("applied", setup + 500 - fill.overdrafts()).hasSize(2);
                // Every decision went out in a committed transaction, each commit timed.
                assertThat(sc.committedTransactions()).isBetween(1.0, (double) setup + 500);
                assertThat(sc.commits()).isGreaterThanOrEqualTo(sc.committedTransactions());
                assertThat(sc.commitSeconds()).isPositive();
                // Readiness is checked against Kafka's end offsets twice a second: it follows within a second.
                long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!admin.ready() && System.nanoTime() < readyBy) {
                    Thread.sleep(100);
                }
                assertThat(admin.ready()).isTrue();
            }
            assertThat(new CoreAdmin(1).scrape().reachable()).isFalse();
        }
    }

    @Test
    void sameSeedSameTransfers() {
        MutationFill a = new MutationFill("127.0.0.1:1", "t", 5, 0.5, 3);
        MutationFill b = new MutationFill("127.0.0.1:1", "t", 5, 0.5, 3);
        List<Object> first = List.of(a.transfer(), a.transfer(), a.transfer());
        assertThat(List.of(b.transfer(), b.transfer(), b.transfer())).isEqualTo(first);
        assertThat(a.transfer().getEventId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    private static CoreAdmin.Scrape await(CoreAdmin admin, Predicate<CoreAdmin.Scrape> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        CoreAdmin.Scrape sc = admin.scrape();
        while (!(sc.reachable() && done.test(sc))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("core did not get there in 60 s: " + sc);
            }
            Thread.sleep(50);
            sc = admin.scrape();
        }
        return sc;
    }
}
