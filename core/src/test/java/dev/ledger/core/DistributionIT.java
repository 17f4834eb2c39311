package dev.ledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.testkit.support.AdminHttp;
import dev.ledger.testkit.support.ChildJvm;
import dev.ledger.testkit.support.DistArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's distribution archive, {@code target/ledger-core-<version>.tar.gz}, unpacked with tar and its start
 * script run as a child process. Runs in failsafe after package (mvn verify).
 */
class DistributionIT {

    private static final String SCRIPT = "bin/ledger-core";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void archiveHoldsStartScriptServiceUnitAndRuntimeJarsOnly() throws Exception {
        DistArchive dist = DistArchive.unpack(DistArchive.built(), dir);
        Path home = dist.home();
        assertThat(home.getFileName().toString()).startsWith("ledger-core-");
        Path script = home.resolve(SCRIPT);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxr-xr-x");
        assertThat(Files.readString(script)).contains("dev.ledger.core.CoreMain", "LEDGER_CORE_CONFIG",
                "config/core.properties").doesNotContain("@dist.", "@project.");
        assertThat(home.resolve("INSTALL")).isRegularFile();

        assertThat(dist.libJars()).anyMatch(j -> j.startsWith("ledger-core-") && j.endsWith(".jar"))
                .anyMatch(j -> j.startsWith("kafka-clients-"))
                .noneMatch(j -> j.startsWith("ledger-dev-kafka") || j.startsWith("kafka-server")
                        || j.startsWith("kafka_2.") || j.startsWith("junit") || j.startsWith("assertj"));

        String unit = Files.readString(home.resolve("systemd/ledger-core.service"));
        assertThat(unit).containsPattern("(?m)^Type=(simple|exec)$")
                .containsPattern("(?m)^User=ledger$")
                .containsPattern("(?m)^EnvironmentFile=-/etc/ledger/core.env$")
                .containsPattern("(?m)^ExecStart=/opt/ledger-core/bin/ledger-core$")
                .containsPattern("(?m)^SuccessExitStatus=143$");
        // CoreNode.close waits up to 20 s for the loop; systemd must wait longer before it sends SIGKILL.
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
        assertThat(stop.find()).isTrue();
        assertThat(Integer.parseInt(stop.group(1))).isGreaterThan(20);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void coreStartedFromTheArchiveBecomesReadyServesMetricsAndStopsOnSigterm() throws Exception {
        DistArchive dist = DistArchive.unpack(DistArchive.built(), dir);
        int adminPort = AdminHttp.freePort();
        try (EmbeddedKafka kafka = EmbeddedKafka.startSingleNode()) {
            Map<String, String> env = Map.of(
                    "JAVA_HOME", System.getProperty("java.home"),
                    "JAVA_OPTS", "-Xmx256m",
                    "LEDGER_CORE_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            List<String> args = List.of("--admin-port", String.valueOf(adminPort));
            try (ChildJvm core = ChildJvm.start("dist-core", dist.command(dist.home().resolve(SCRIPT), args, env))) {
                core.awaitHttpOk(adminPort, "/readyz", START_TIMEOUT);
                // Logged just before CoreMain registers its shutdown hook; a SIGTERM before that skips the hook.
                core.awaitLine(Pattern.compile("ledger core .* started"), START_TIMEOUT);

                AdminHttp.Response metrics = AdminHttp.get(adminPort, "/metrics");
                assertThat(metrics.status()).isEqualTo(200);
                assertThat(metrics.body()).containsPattern("(?m)^ledger_core_active ");

                int code = core.stop(Duration.ofSeconds(60));
                // 143: the JVM's status after SIGTERM and its shutdown hook; the unit counts it as success.
                assertThat(code).as("exit code; output:\n%s", core.tail(40)).isIn(0, 143);
                core.awaitLine(Pattern.compile("shutdown requested"), Duration.ofSeconds(10));
            }
        }
    }

}
