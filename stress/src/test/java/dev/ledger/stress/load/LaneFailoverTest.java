package dev.ledger.stress.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.stress.bench.ChildProcess;
import dev.ledger.stress.report.RunReport;
import dev.ledger.stress.verify.AckedEntry;
import dev.ledger.stress.verify.Verifier;
import dev.ledger.stress.verify.VerifyReport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --target a,b} survives a SIGKILL of one server: the killed server's lanes fail over to the other one
 * after the failover delay and resend what they had outstanding, so the run ends near its duration (not after the
 * 30 s request timeout) with every event acknowledged and every acknowledged event in Kafka. Two real server
 * processes on a real broker.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LaneFailoverTest {

    private static final String TOPIC = "failover.mutations";

    @Test
    void lanesOfAKilledServerFailOverWithoutWaitingForTheRequestTimeout(@TempDir Path work) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startSingleNode()) {
            kafka.createTopic(TOPIC, 3, 1, Map.of());
            int portA = freePort();
            int portB = freePort();
            try (ChildProcess a = startServer(kafka, "a", portA, work);
                    ChildProcess b = startServer(kafka, "b", portB, work)) {
                awaitListening(a, portA);
                awaitListening(b, portB);
                Duration requestTimeout = Duration.ofSeconds(30);
                ClientOptions client = new ClientOptions(10_000, 256, Duration.ofMillis(1), requestTimeout,
                        ClientSecurity.NONE, 1, Duration.ofSeconds(1));
                Duration duration = Duration.ofSeconds(6);
                LoadSettings settings = new LoadSettings(List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB), 4,
                        2_000, 10_000, duration, Long.MAX_VALUE, Mix.DEFAULT, 100, client, true, Duration.ZERO, false);
                ConcurrentLinkedQueue<AckedEntry> acked = new ConcurrentLinkedQueue<>();
                ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
                RunReport r;
                try {
                    r = new LoadDriver(settings, acked::add, null).onMeasuredStart(() -> killer.schedule(() -> {
                        a.killNow();
                        return null;
                    }, 2, TimeUnit.SECONDS)).run("failover");
                } finally {
                    killer.shutdown();
                }

                assertThat(a.isAlive()).isFalse();
                // Lanes 0 and 2 started at the killed server: each moved on once at least.
                assertThat((Long) r.extra().get("laneFailovers")).isGreaterThanOrEqualTo(2);
                assertThat(r.outcomes()).as("no timeouts or other failures").containsOnlyKeys("ACCEPTED");
                assertThat(r.acked()).isEqualTo(r.sent()).isGreaterThan(0);
                // Without failover the stuck lanes would hold the run until the 30 s request timeout.
                assertThat(Duration.ofNanos(r.durationNanos())).isLessThan(duration.plus(requestTimeout).minusSeconds(10));

                VerifyReport v = Verifier.verifyTopic(kafka.bootstrapServers(), TOPIC, new ArrayList<>(acked),
                        Duration.ofSeconds(60));
                assertThat(v.lost()).isZero();
                assertThat(v.found()).isEqualTo(acked.size());
            }
        }
    }

    private static ChildProcess startServer(EmbeddedKafka kafka, String name, int port, Path work)
            throws IOException {
        return ChildProcess.startJava("server-" + name, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                "dev.ledger.server.ServerMain", List.of("--bootstrap-servers", kafka.bootstrapServers(),
                        "--bind-address", "127.0.0.1", "--port", String.valueOf(port), "--topic", TOPIC,
                        "--topic-partitions", "3", "--server-id", "failover-" + name, "--allow-weak-durability",
                        "--admin-port", String.valueOf(freePort())),
                null, Files.createDirectories(work).resolve("server-" + name + ".log"));
    }

    private static void awaitListening(ChildProcess server, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("server process alive during startup").isTrue();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("server did not listen on " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
