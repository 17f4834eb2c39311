package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.ChildJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 3: a server process is killed with SIGKILL in the middle of the load while the SDK has two servers
 * configured. The survivor (in-process) must take the load, the SDK must resend what was in flight on the dead
 * connection, and afterwards every event the SDK reported ACCEPTED must be in Kafka.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ServerCrashFaultTest {

    private static final String TOPIC = "faults.server-crash";

    private static EmbeddedKafka kafka;
    private static ChildJvm victim;
    private static LedgerServer survivor;
    private static int victimPort;

    @BeforeAll
    static void startServers() {
        kafka = SharedKafka.singleNode();
        kafka.createTopic(TOPIC, 3, 1, Map.of());
        victimPort = Servers.freePort();
        victim = Servers.startChildServer("server-victim", List.of("-Xmx256m"), kafka.bootstrapServers(),
                victimPort, TOPIC, List.of());
        survivor = LedgerServer.start(ServerConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true)
                .bindAddress("127.0.0.1")
                .port(0)
                .topic(TOPIC)
                .topicPartitions(3)
                .serverId("server-survivor")
                .build());
    }

    @AfterAll
    static void stopServers() {
        if (victim != null) {
            victim.close();
        }
        if (survivor != null) {
            survivor.close();
        }
    }

    @Test
    void sigkilledServerLosesNoAcceptedEventAndTheSurvivorTakesTheLoad() {
        try (LedgerClient client = LedgerClient.builder()
                .endpoints("127.0.0.1:" + victimPort, "127.0.0.1:" + survivor.port())
                .clientName("crash-load")
                .requestTimeout(Duration.ofSeconds(30))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build()) {
            LoadRunner load = LoadRunner.start(client, "crash", 2, 400, 400);
            assertThat(load.awaitAccepted(600, Duration.ofSeconds(30))).as("load warmed up").isTrue();

            load.faultStarted();
            victim.kill();
            long acceptedAtKill = load.accepted();
            assertThat(load.awaitAccepted(acceptedAtKill + 800, Duration.ofSeconds(30)))
                    .as("the survivor takes the load after the kill").isTrue();
            load.faultEnded();

            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(45));
            TopicVerifier.Verification v = TopicVerifier.verify(kafka.bootstrapServers(), TOPIC,
                    result.acceptedIds(), Duration.ofSeconds(60));
            FaultReport.record(new FaultReport.Row("3 server SIGKILL (2 servers)", result.sent(),
                    result.accepted(), result.failed(), v.lost(), v.duplicates(), result.worstFaultLatencyMs(),
                    "records by server " + v.recordsByServerId() + "; failures " + result.failuresByType()));

            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
            assertThat(v.recordsByServerId()).as("both servers wrote before the kill")
                    .containsKeys("server-victim", "server-survivor");
        }
    }
}
