package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.CoreNode;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Decision;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Brokers restarted under a running ledger core, on 3 brokers (one dedicated controller) with replication factor 3
 * and {@code min.insync.replicas=2} on every topic the core creates: first the leader of the journal's partition 0
 * is stopped for a few seconds and restarted, then every broker is stopped and restarted. The core must ride both
 * (its transactions fail and it rebuilds from the journal while Kafka is gone) and end with exactly one decision per
 * mutation record and the ledger's invariants intact.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CoreBrokerRestartFaultTest {

    private static final String P = "brokers";
    private static EmbeddedKafka cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedKafka.start(3, null, Map.of("min.insync.replicas", "2"));
        cluster.createTopic(P + ".mutations", 3, 3, Map.of("min.insync.replicas", "2"));
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void theCoreRidesABrokerRestartAndAFullOutage() throws Exception {
        String bootstrap = cluster.bootstrapServers();
        CoreConfig config = CoreConfig.builder().bootstrapServers(bootstrap).mutationsTopic(P + ".mutations")
                .decisionsTopic(P + ".decisions").snapshotsTopic(P + ".snapshots").leaseTopic(P + ".lease")
                .groupId(P + "-core").transactionalId(P + "-core").snapshotEvery(1000).adminPort(-1)
                .coreId("brokers-core").build();
        try (MutationWriter writer = new MutationWriter(bootstrap, P + ".mutations", 300, 3).start();
                CoreNode core = CoreNode.start(config)) {
            awaitDecisions(500);
            assertDurableTopics();
            int leader = leaderOfJournalPartitionZero();
            cluster.stopBroker(leader);
            Thread.sleep(5000);
            cluster.startBroker(leader);
            int afterOne = awaitDecisions(decisions().size() + 500);
            cluster.stopAllBrokers();
            Thread.sleep(5000);
            cluster.startAllBrokers();
            awaitDecisions(afterOne + 500);
            writer.stopAndFlush();
            List<Decision> journal = CoreJournal.awaitAllDecided(cluster.bootstrapServers(), P + ".mutations",
                    P + ".decisions", Duration.ofSeconds(120));
            long mutations = CoreJournal.count(cluster.bootstrapServers(), P + ".mutations");
            CoreJournal.check(journal, mutations);
            assertThat(core.loop().role()).as("the core is still the active one").isEqualTo("active");
            long duplicates = journal.stream().filter(Decision::getDuplicate).count();
            FaultReport.record(new FaultReport.Row("core under a broker restart, then all brokers down 5 s",
                    mutations, journal.size(), 0, mutations - journal.size(), duplicates, 0,
                    "one decision per mutation, invariants hold; broker " + leader + " restarted first"));
        }
    }

    /** The topics the core created keep their promise on 3 brokers: min ISR 2, no unclean election, and so on. */
    private void assertDurableTopics() throws Exception {
        try (Admin admin = cluster.admin()) {
            ConfigResource journal = new ConfigResource(ConfigResource.Type.TOPIC, P + ".decisions");
            ConfigResource snapshots = new ConfigResource(ConfigResource.Type.TOPIC, P + ".snapshots");
            ConfigResource lease = new ConfigResource(ConfigResource.Type.TOPIC, P + ".lease");
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(journal, snapshots, lease)).all()
                    .get(30, TimeUnit.SECONDS);
            for (ConfigResource r : List.of(journal, snapshots, lease)) {
                assertThat(configs.get(r).get("min.insync.replicas").value()).as(r.name()).isEqualTo("2");
                assertThat(configs.get(r).get("unclean.leader.election.enable").value()).as(r.name()).isEqualTo("false");
            }
            assertThat(configs.get(journal).get("retention.ms").value()).isEqualTo("-1");
            assertThat(configs.get(snapshots).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(P + ".decisions")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(P + ".decisions").partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        }
    }

    private int leaderOfJournalPartitionZero() throws Exception {
        try (Admin admin = cluster.admin()) {
            return admin.describeTopics(List.of(P + ".decisions")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(P + ".decisions").partitions().get(0).leader().id();
        }
    }

    private List<Decision> decisions() {
        return CoreJournal.decisions(cluster.bootstrapServers(), P + ".decisions");
    }

    private int awaitDecisions(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int n;
        while ((n = decisions().size()) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + atLeast + " decisions after 90 s: " + n);
            }
            Thread.sleep(300);
        }
        return n;
    }
}
