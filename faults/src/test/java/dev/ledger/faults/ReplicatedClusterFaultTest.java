package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 1: on a 3-broker cluster (one dedicated controller, see {@link ThreeBrokerCluster}) (topic with 3 partitions, RF 3, {@code min.insync.replicas=2}) the broker
 * leading partition 0 is stopped under load and later restarted. Two in-sync replicas remain, so the load must go
 * on (leaders move), the SDK must see no failure, and every ACCEPTED id must be in Kafka afterwards.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplicatedClusterFaultTest {

    private static final String TOPIC = "faults.replicated";
    private static final int DOWN_SECONDS = 5;

    private static ThreeBrokerCluster cluster;
    private static LedgerServer server;

    @BeforeAll
    static void startClusterAndServer() {
        cluster = ThreeBrokerCluster.start(Map.of("min.insync.replicas", "2"));
        cluster.createTopic(TOPIC, 3, 3, Map.of("min.insync.replicas", "2"));
        server = LedgerServer.start(ServerConfig.builder()
                .bootstrapServers(cluster.bootstrapServers())
                .bindAddress("127.0.0.1")
                .port(0)
                .topic(TOPIC)
                .topicPartitions(3)
                .build());
    }

    @AfterAll
    static void stopClusterAndServer() {
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void oneOfThreeBrokersStoppedUnderLoadThenRestartedLosesNoAcceptedEvent() throws Exception {
        try (LedgerClient client = LedgerClient.builder()
                .endpoints("127.0.0.1:" + server.port())
                .clientName("replicated-load")
                .requestTimeout(Duration.ofSeconds(60))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .build()) {
            LoadRunner load = LoadRunner.start(client, "replicated", 2, 400, 600);
            assertThat(load.awaitAccepted(400, Duration.ofSeconds(30))).as("load warmed up").isTrue();

            int victim = leaderOfPartitionZero();
            load.faultStarted();
            cluster.stopBroker(victim);
            long acceptedAtStop = load.accepted();
            Thread.sleep(TimeUnit.SECONDS.toMillis(DOWN_SECONDS));
            long acceptedWhileDown = load.accepted() - acceptedAtStop;
            cluster.startBroker(victim);
            assertThat(load.awaitAccepted(load.accepted() + 400, Duration.ofSeconds(60)))
                    .as("load goes on after the restart").isTrue();
            load.faultEnded();

            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(90));
            TopicVerifier.Verification v = TopicVerifier.verify(cluster.bootstrapServers(), TOPIC,
                    result.acceptedIds(), Duration.ofSeconds(60));
            FaultReport.record(new FaultReport.Row("1 one of 3 brokers stopped " + DOWN_SECONDS + " s, restarted",
                    result.sent(), result.accepted(), result.failed(), v.lost(), v.duplicates(),
                    result.worstFaultLatencyMs(), "stopped broker " + victim + " (leader of p0); " + acceptedWhileDown
                            + " accepted while it was down; failures " + result.failuresByType()));

            assertThat(acceptedWhileDown).as("events accepted while one broker was down").isPositive();
            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
        }
    }

    private static int leaderOfPartitionZero() throws Exception {
        try (Admin admin = cluster.admin()) {
            TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(TOPIC);
            return d.partitions().get(0).leader().id();
        }
    }
}
