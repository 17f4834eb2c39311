package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The orderly cousin of the SIGKILL scenario: one of two servers drains (GoAway, answer what is in flight, close)
 * in the middle of the load. The SDK must move to the other server without a single failed future, and every
 * ACCEPTED id must be in Kafka.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerDrainFaultTest {

    private static final String TOPIC = "faults.server-drain";

    private static EmbeddedKafka kafka;
    private static LedgerServer draining;
    private static LedgerServer staying;

    @BeforeAll
    static void startServers() {
        kafka = SharedKafka.singleNode();
        kafka.createTopic(TOPIC, 3, 1, Map.of());
        draining = start("server-draining");
        staying = start("server-staying");
    }

    private static LedgerServer start(String serverId) {
        return LedgerServer.start(ServerConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true)
                .bindAddress("127.0.0.1")
                .port(0)
                .topic(TOPIC)
                .topicPartitions(3)
                .serverId(serverId)
                .build());
    }

    @AfterAll
    static void stopServers() {
        if (draining != null) {
            draining.close();
        }
        if (staying != null) {
            staying.close();
        }
    }

    @Test
    void serverDrainingUnderLoadFailsNoFutureAndLosesNoAcceptedEvent() {
        try (LedgerClient client = LedgerClient.builder()
                .endpoints("127.0.0.1:" + draining.port(), "127.0.0.1:" + staying.port())
                .clientName("drain-load")
                .requestTimeout(Duration.ofSeconds(30))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build()) {
            LoadRunner load = LoadRunner.start(client, "drain", 2, 400, 400);
            assertThat(load.awaitAccepted(600, Duration.ofSeconds(30))).as("load warmed up").isTrue();

            load.faultStarted();
            draining.shutdownGracefully(Duration.ofSeconds(10));
            long acceptedAtDrain = load.accepted();
            assertThat(load.awaitAccepted(acceptedAtDrain + 800, Duration.ofSeconds(30)))
                    .as("the remaining server takes the load").isTrue();
            load.faultEnded();

            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(45));
            TopicVerifier.Verification v = TopicVerifier.verify(kafka.bootstrapServers(), TOPIC,
                    result.acceptedIds(), Duration.ofSeconds(60));
            FaultReport.record(new FaultReport.Row("extra: graceful drain of 1 of 2 servers", result.sent(),
                    result.accepted(), result.failed(), v.lost(), v.duplicates(), result.worstFaultLatencyMs(),
                    "records by server " + v.recordsByServerId() + "; failures " + result.failuresByType()));

            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
            assertThat(v.recordsByServerId()).containsKeys("server-draining", "server-staying");
        }
    }
}
