package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.client.LedgerClient;
import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.stress.verify.TopicScanner;
import dev.ledger.testkit.support.ChildJvm;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The topic the server writes must be able to keep its promise, on one shared 3-broker cluster (one dedicated
 * controller, see {@link EmbeddedKafka}) whose brokers keep Kafka's defaults ({@code min.insync.replicas=1}), so
 * what the topic promises comes from the server alone:
 * <ol>
 *   <li>a topic the server creates has {@code min.insync.replicas=2} and unclean leader election off;</li>
 *   <li>an existing replication-factor-1 topic stops startup (in process and through {@code ServerMain}) with a
 *       message naming the topic, the values and the fix, and the server starts on it with the flag;</li>
 *   <li>partitions added while the server runs: a Snapshot lands on every partition, events keep flowing and
 *       spread over the new partitions;</li>
 *   <li>with two of three brokers stopped, on the server-created topic (min ISR 2), events get UNAVAILABLE and
 *       none is ACCEPTED; after recovery the load completes and every ACCEPTED event is in the topic.</li>
 * </ol>
 * Each scenario has its own topic; the broker outage runs last.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurabilityGuardrailsFaultTest {

    private static final long ACK_TIMEOUT_MS = 2_000;
    private static final int OUTAGE_SECONDS = 8;

    private static EmbeddedKafka cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedKafka.start(3, null, Map.of());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ServerConfig.Builder config(String topic) {
        return ServerConfig.builder().bootstrapServers(cluster.bootstrapServers()).bindAddress("127.0.0.1").port(0)
                .topic(topic).topicPartitions(3);
    }

    private static LedgerClient client(LedgerServer server, String name) {
        return LedgerClient.builder().endpoints("127.0.0.1:" + server.port()).clientName(name)
                .requestTimeout(Duration.ofSeconds(90)).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .build();
    }

    @Test
    @Order(1)
    void topicTheServerCreatesHasMinIsrTwoAndUncleanElectionOff() throws Exception {
        String topic = "guard.created";
        try (LedgerServer server = LedgerServer.start(config(topic).build())) {
            assertThat(server.topicDurability().isWeak()).as(server.topicDurability().describe()).isFalse();
        }
        try (Admin admin = cluster.admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).hasSize(3)
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            ConfigEntry minIsr = config.get("min.insync.replicas");
            ConfigEntry unclean = config.get("unclean.leader.election.enable");
            assertThat(minIsr.value()).isEqualTo("2");
            assertThat(minIsr.source()).as("set on the topic, not inherited").isEqualTo(
                    ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(unclean.value()).isEqualTo("false");
            assertThat(unclean.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    @Test
    @Order(2)
    void existingReplicationFactorOneTopicIsRefusedAndStartsWithTheFlag() throws Exception {
        String topic = "guard.rf1";
        cluster.createTopic(topic, 3, 1, Map.of());
        assertThatThrownBy(() -> LedgerServer.start(config(topic).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("topic guard.rf1 cannot keep the durability promise")
                .hasMessageContaining("Found: replication factor 1, min.insync.replicas 1")
                .hasMessageContaining("kafka-reassign-partitions.sh --bootstrap-server " + cluster.bootstrapServers())
                .hasMessageContaining("kafka-configs.sh --bootstrap-server " + cluster.bootstrapServers()
                        + " --alter --entity-type topics --entity-name guard.rf1 --add-config min.insync.replicas=2")
                .hasMessageContaining("--allow-weak-durability");

        // The same through the command line: the process logs the message and exits 1 without listening.
        int port = Servers.freePort();
        try (ChildJvm refused = ChildJvm.start("server-weak-topic", List.of("-Xmx256m"),
                "dev.ledger.server.ServerMain", List.of("--bootstrap-servers", cluster.bootstrapServers(),
                        "--bind-address", "127.0.0.1", "--port", String.valueOf(port), "--topic", topic, "--admin-port", "0"))) {
            Matcher m = refused.awaitLine(Pattern.compile("startup failed: (topic guard\\.rf1 cannot keep .*)"),
                    Duration.ofSeconds(60));
            assertThat(m.group(1)).contains("replication factor 1").contains("--allow-weak-durability");
            assertThat(refused.awaitExit(Duration.ofSeconds(30))).as("exit code").isEqualTo(1);
        }

        try (LedgerServer weak = LedgerServer.start(config(topic).allowWeakDurability(true).build());
                LedgerClient client = client(weak, "weak-topic")) {
            assertThat(weak.topicDurability().isWeak()).isTrue();
            assertThat(weak.topicDurability().replicationFactor()).isEqualTo(1);
            Receipt r = client.submit(Mutations.topUp("weak-1", "settlement", 100, "USD"));
            assertThat(r.status()).isEqualTo(Status.STATUS_ACCEPTED);
        }
    }

    @Test
    @Order(3)
    void partitionsAddedWhileRunningGetTheNextSnapshotAndEventsKeepFlowing() throws Exception {
        String topic = "guard.grow";
        try (LedgerServer server = LedgerServer.start(config(topic)
                // Refresh producer metadata every 500 ms instead of every minute, to keep the test short.
                .producerProperty("metadata.max.age.ms", "500").build());
                LedgerClient client = client(server, "grow")) {
            assertThat(submitTransfers(client, "before", 30)).allMatch(r -> r.partition() < 3);
            try (Admin admin = cluster.admin()) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(5))).all().get(30, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.partitionCount() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(server.partitionCount()).as("partitions the server follows").isEqualTo(5);
            assertThat(server.topicDurability().partitions()).as("the live count, not the startup one").isEqualTo(5);

            MutationEvent snapshot = Mutations.snapshot("after-growth");
            assertThat(client.submit(snapshot).status()).isEqualTo(Status.STATUS_ACCEPTED);
            List<Receipt> after = submitTransfers(client, "after", 200);
            assertThat(after).allMatch(r -> r.status() == Status.STATUS_ACCEPTED);
            assertThat(after).as("keyed events reach the new partitions").anyMatch(r -> r.partition() >= 3);

            Set<Integer> snapshotPartitions = new TreeSet<>();
            new TopicScanner(cluster.bootstrapServers(), topic, Duration.ofSeconds(60)).scan(
                    (partition, offset, key, event) -> {
                        if (event != null && event.getEventId().equals(snapshot.getEventId())) {
                            snapshotPartitions.add(partition);
                        }
                    });
            assertThat(snapshotPartitions).containsExactly(0, 1, 2, 3, 4);
        }
    }

    private static List<Receipt> submitTransfers(LedgerClient client, String prefix, int count) {
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(client.submitAsync(Mutations.transfer(prefix + "-payer-" + i, "payee", 100, 1, "fees", 0,
                    "taxes", "USD")));
        }
        return futures.stream().map(f -> f.orTimeout(60, TimeUnit.SECONDS).join()).toList();
    }

    @Test
    @Order(4)
    void twoOfThreeBrokersDownAnswersUnavailableNeverAcceptedAndLosesNothing() throws Exception {
        String topic = "guard.outage";
        List<Integer> stopped = cluster.brokerIds().subList(1, 3);
        boolean down = false;
        try (LedgerServer server = LedgerServer.start(config(topic).ackTimeoutMs(ACK_TIMEOUT_MS).build());
                LedgerClient client = client(server, "guard-outage");
                RawFrameClient raw = RawFrameClient.connectAndHello(server.port(), "guard-raw")) {
            assertThat(server.topicDurability().minInsyncReplicas()).isEqualTo(2);
            LoadRunner load = LoadRunner.start(client, "guard-outage", 2, 200, 400);
            assertThat(load.awaitAccepted(200, Duration.ofSeconds(30))).as("load warmed up").isTrue();

            load.faultStarted();
            for (int id : stopped) {
                cluster.stopBroker(id);
            }
            down = true;
            long outageStart = System.nanoTime();
            // Acknowledgements Kafka sent before the second broker stopped may still be on their way; after this
            // pause nothing can be ACCEPTED: one replica in sync is below min.insync.replicas=2.
            Thread.sleep(ACK_TIMEOUT_MS + 1_000);
            long acceptedBefore = load.accepted();

            Map<Status, Integer> rawStatuses = new ConcurrentHashMap<>();
            long requestId = 0;
            while (System.nanoTime() - outageStart < TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS)) {
                raw.send(RawFrameClient.submitFrame(++requestId, TestEvents.transfers("guard-raw", 3)));
                ServerFrame ack = raw.read(Duration.ofSeconds(15));
                assertThat(ack.getAck().getRequestId()).isEqualTo(requestId);
                for (EventResult r : ack.getAck().getResultsList()) {
                    rawStatuses.merge(r.getStatus(), 1, Integer::sum);
                }
                Thread.sleep(300);
            }
            long acceptedWhileDown = load.accepted() - acceptedBefore;
            for (int id : stopped) {
                cluster.startBroker(id);
            }
            down = false;
            long acceptedAtRecovery = load.accepted();
            assertThat(load.awaitAccepted(acceptedAtRecovery + 300, Duration.ofSeconds(90)))
                    .as("load completes after recovery").isTrue();
            load.faultEnded();

            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(90));
            TopicVerifier.Verification v = TopicVerifier.verify(cluster.bootstrapServers(), topic,
                    result.acceptedIds(), Duration.ofSeconds(60));
            FaultReport.record(new FaultReport.Row("guardrails: 2 of 3 brokers down " + OUTAGE_SECONDS
                    + " s, min ISR 2 set by the server", result.sent(), result.accepted(), result.failed(), v.lost(),
                    v.duplicates(), result.worstFaultLatencyMs(), "raw Submits while down: " + rawStatuses
                            + "; SDK events ACCEPTED while down: " + acceptedWhileDown + "; failures "
                            + result.failuresByType()));

            assertThat(rawStatuses).as("results of raw Submits while two brokers were down")
                    .containsOnlyKeys(Status.STATUS_UNAVAILABLE);
            assertThat(acceptedWhileDown).as("SDK events ACCEPTED while two brokers were down").isZero();
            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
        } finally {
            if (down) {
                for (int id : stopped) {
                    cluster.startBroker(id);
                }
            }
        }
    }
}
