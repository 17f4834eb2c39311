package dev.ledger.server;

import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import dev.ledger.testkit.support.TopicRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.proto.Ack;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.server.config.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The server against a broker whose client listener requires SASL (Kafka's test kit: SASL_PLAINTEXT with PLAIN, an
 * authorizer that denies everyone without an ACL, {@code plain-admin} as super user), with the credentials only in
 * a {@code --producer-config} file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SaslProducerConfigTest {

    private static final String TOPIC = "ledger.sasl";
    private static final Map<String, String> SASL = Map.of("security.protocol", "SASL_PLAINTEXT",
            "sasl.mechanism", "PLAIN", "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                    + "required username=\"plain-admin\" password=\"plain-admin-secret\";");
    @TempDir
    static Path dir;
    private static KafkaClusterTestKit kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build())
                .setConfigProp("auto.create.topics.enable", "false").build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static ServerConfig configFrom(Path producerConfig) {
        ServerOptions options = new ServerOptions();
        new CommandLine(options).parseArgs("--producer-config", producerConfig.toString());
        return options.toConfig(kafka.bootstrapServers()).toBuilder().developmentMode(true).bindAddress("127.0.0.1")
                .port(0).topic(TOPIC).topicPartitions(1).serverId("sasl-server").build();
    }

    private static Path propertiesFile(String name, String password) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                    username="plain-admin" password="%s";
                """.formatted(password));
        return file;
    }

    @Test
    void eventsReachASaslBrokerWithCredentialsFromTheProducerConfigFile() throws Exception {
        ServerConfig config = configFrom(propertiesFile("kafka.properties", "plain-admin-secret"));
        assertThat(config.describe()).contains("sasl.jaas.config=****").doesNotContain("plain-admin-secret");
        try (LedgerServer server = LedgerServer.start(config);
                RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "sasl-test")) {
            MutationEvent event = TestEvents.transfer("alice", "bob", 10);
            Ack ack = c.submitAndAwait(1, List.of(event));
            EventResult r = ack.getResults(0);
            assertThat(r.getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
            List<ConsumerRecord<byte[], byte[]>> records = TopicRecords.range(kafka.bootstrapServers(), SASL, TOPIC,
                    r.getPartition(), r.getOffset(), r.getOffset() + 1);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).value()).isEqualTo(event.toByteArray());
        }
    }

    @Test
    void aWrongPasswordStopsStartup() throws Exception {
        ServerConfig config = configFrom(propertiesFile("wrong.properties", "not-the-password"));
        assertThatThrownBy(() -> LedgerServer.start(config)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Authentication failed");
    }

    @Test
    void thePinnedSettingsCannotBeOverriddenFromTheFile() throws Exception {
        Path file = dir.resolve("acks.properties");
        Files.writeString(file, "acks=1\n");
        assertThatThrownBy(() -> configFrom(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("producer property acks cannot be changed");
    }
}
