package dev.ledger.stress.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.stress.load.ClientSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tiny connections sweep end to end (2 points, 1 s each, 300 events/s) against an in-process server on a real
 * broker: every point carries its figures. The server is external to the sweep here, so its CPU reads unknown.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SweepBenchTest {

    private static final String TOPIC = "sweep.mutations";

    @Test
    void eachPointOfASweepReportsThroughputLatencyAndCpuPerEvent() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startSingleNode()) {
            kafka.createTopic(TOPIC, 3, 1, Map.of());
            kafka.createTopic(TOPIC + ".raw", 3, 1, Map.of());
            LedgerServer server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                    .developmentMode(true).bindAddress("127.0.0.1").port(0).topic(TOPIC).topicPartitions(3).build());
            try {
                BenchSettings s = new BenchSettings(kafka.bootstrapServers(), List.of("127.0.0.1:" + server.port()),
                        TOPIC, 3, Duration.ofSeconds(1), Duration.ZERO, Long.MAX_VALUE, 300, 1, false, false, 2, 100,
                        64, Duration.ofMillis(1), 50, List.of(), List.of(), List.of(), (Path) null, null, false,
                        List.of(), Path.of("absent.jar"), List.of(), 0, false, ClientSecurity.NONE, false,
                        "connections", List.of(1, 4), null);

                SweepReport r = new SweepBench(s, s.sweepPlan()).run(kafka.bootstrapServers(), s.targets(), null);

                assertThat(r.points()).extracting(SweepPoint::value).containsExactly(1, 4);
                assertThat(r.points()).allSatisfy(p -> {
                    assertThat(p.sweep()).isEqualTo("connections");
                    assertThat(p.eventsPerSecond()).isPositive();
                    assertThat(p.p99Micros()).isGreaterThanOrEqualTo(p.p50Micros()).isPositive();
                    assertThat(p.driverCpuMicrosPerEvent()).isPositive();
                    assertThat(p.rawCpuMicrosPerEvent()).isPositive();
                    assertThat(p.serverCpuMicrosPerEvent()).isEqualTo(-1);
                    assertThat(p.mostHeldEventsPerSecond()).isPositive();
                });
                assertThat(r.points().get(1).shape()).startsWith("4 lanes x 1 conn");
            } finally {
                server.close();
            }
        }
    }
}
