package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.testkit.support.ChildJvm;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ServerMain --log-format json} as its own process, with the distribution's logback config
 * ({@code -Dlogback.configurationFile}) and its settings from {@code --config}: every line it prints, from the
 * first to the last after SIGTERM, is one JSON object.
 */
class JsonLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSingleNode();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyLineFromStartToShutdownIsOneJsonObject(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "bind-address=127.0.0.1", "port=0", "topic=ledger.jsonlogs", "allow-weak-durability=true",
                "drain-timeout-ms=2000", "log-format=text"));
        Path logback = Path.of("src/main/dist/config/logback.xml").toAbsolutePath();
        List<String> args = List.of("--config", config.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--log-format", "json");
        try (ChildJvm child = ChildJvm.start("json-logs", List.of("-Xmx256m",
                "-Dlogback.configurationFile=" + logback), ServerMain.class.getName(), args)) {
            Matcher listening = child.awaitLine(Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) "),
                    Duration.ofSeconds(60));
            int port = Integer.parseInt(listening.group(1));
            try (RawFrameClient c = RawFrameClient.connectAndHello(port, "json \"quoted\" client")) {
                c.submitAndAwait(1, TestEvents.transfers("json-logs", 4));
            }
            child.awaitLine(Pattern.compile("\"end\":\"peer_closed\""), Duration.ofSeconds(15));
            // SIGTERM through the process handle: Process.destroy() (ChildJvm.stop) also closes our end of the
            // child's stdout, and the shutdown lines would be lost.
            ProcessHandle.of(child.pid()).orElseThrow().destroy();
            assertThat(child.awaitExit(Duration.ofSeconds(30))).as("exit code after a drained SIGTERM").isZero();
            // The output pump may still be copying the last lines: wait for the last one the server writes.
            child.awaitLine(Pattern.compile("ledger server \\S+ stopped"), Duration.ofSeconds(10));

            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("target", "child-json-logs.log"))) {
                JsonNode node = JSON.readTree(line);
                assertThat(node != null && node.isObject()).as("a JSON object: %s", line).isTrue();
                lines.add(node);
            }
            assertThat(lines).anySatisfy(n -> assertThat(n.get("message").asText())
                    .startsWith("config file " + config).contains("topic=ledger.jsonlogs (file)",
                            "log-format=json (flag)"));
            assertThat(lines).anySatisfy(n -> {
                assertThat(n.get("logger").asText()).isEqualTo("ledger.connections");
                assertThat(n.get("event").asText()).isEqualTo("closed");
                assertThat(n.get("client").asText()).isEqualTo("json \"quoted\" client");
                assertThat(n.get("events").asLong()).isEqualTo(4);
            });
            assertThat(lines).anySatisfy(n -> assertThat(n.get("message").asText()).startsWith("shutdown requested"));
        }
    }
}
