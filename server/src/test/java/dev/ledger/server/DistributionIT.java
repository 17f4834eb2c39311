package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.Decision;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.proto.Submit;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.AdminHttp;
import dev.ledger.testkit.support.ChildJvm;
import dev.ledger.testkit.support.DistArchive;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive, {@code target/ledger-server-<version>.tar.gz}, as an operator gets it: unpacked with
 * tar, its start script run as a child process. Runs in failsafe after package (mvn verify).
 */
class DistributionIT {

    private static final String SCRIPT = "bin/ledger-server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void archiveHoldsStartScriptServiceUnitAndRuntimeJarsButNoDevelopmentBroker() throws Exception {
        DistArchive dist = DistArchive.unpack(DistArchive.built(), dir);
        Path home = dist.home();
        assertThat(home.getFileName().toString()).startsWith("ledger-server-");

        Path script = home.resolve(SCRIPT);
        assertThat(Files.isExecutable(script)).as("bin/ledger-server is executable").isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxr-xr-x");
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(home.resolve("bin"))).toList()) {
                assertThat(Files.getPosixFilePermissions(f)).as("mode of %s", home.relativize(f))
                        .doesNotContain(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_WRITE,
                                PosixFilePermission.OTHERS_WRITE);
            }
        }
        assertThat(home.resolve("INSTALL")).isRegularFile();

        List<String> lib = dist.libJars();
        assertThat(lib).anyMatch(j -> j.startsWith("ledger-server-") && j.endsWith(".jar"))
                .anyMatch(j -> j.startsWith("kafka-clients-"))
                .noneMatch(j -> j.startsWith("ledger-dev-kafka"))
                .noneMatch(j -> j.startsWith("kafka-server"))
                .noneMatch(j -> j.startsWith("kafka_2."));
        // Every jar only the development broker needs (in target/lib-dev but not in target/lib) stays out.
        Set<String> devOnly = new HashSet<>(fileNames(Path.of("target", "lib-dev")));
        devOnly.removeAll(fileNames(Path.of("target", "lib")));
        assertThat(devOnly).as("jars only the development broker needs").isNotEmpty();
        assertThat(lib).doesNotContainAnyElementsOf(devOnly);

        String unit = Files.readString(home.resolve("systemd/ledger-server.service"));
        assertThat(unit).containsPattern("(?m)^Type=(simple|exec)$")
                .containsPattern("(?m)^User=ledger$")
                .containsPattern("(?m)^EnvironmentFile=-/etc/ledger/server.env$")
                .containsPattern("(?m)^ExecStart=/opt/ledger-server/bin/ledger-server$")
                .containsPattern("(?m)^SuccessExitStatus=143$")
                .containsPattern("(?m)^Restart=on-failure$")
                .contains("--drain-timeout-ms");
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
        assertThat(stop.find()).as("TimeoutStopSec in seconds").isTrue();
        assertThat(Long.parseLong(stop.group(1)) * 1000).isGreaterThan(ServerConfig.Defaults.DRAIN_TIMEOUT_MS);
        Matcher files = Pattern.compile("(?m)^LimitNOFILE=(\\d+)$").matcher(unit);
        assertThat(files.find()).isTrue();
        assertThat(Integer.parseInt(files.group(1))).isGreaterThan(10_000);
        assertThat(unit).doesNotContain("MemoryDenyWriteExecute=true");
    }

    /** A stand-in java prints what it was given, so the script's own logic is checked without starting a server. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void startScriptExecsJavaWithJavaOptsConfigFileLogbackAndArgumentsUnchanged() throws Exception {
        DistArchive dist = DistArchive.unpack(DistArchive.built(), dir.resolve("install"));
        Path home = dist.home().toRealPath();
        Path config = home.resolve("config");
        Files.createDirectories(config);
        if (!Files.exists(config.resolve("server.properties"))) {
            Files.writeString(config.resolve("server.properties"), "# test\n");
        }
        if (!Files.exists(config.resolve("logback.xml"))) {
            Files.writeString(config.resolve("logback.xml"), "<configuration/>\n");
        }
        Path fakeJava = dir.resolve("jdk/bin/java");
        Files.createDirectories(fakeJava.getParent());
        Files.writeString(fakeJava, """
                #!/bin/sh
                echo "pid=$$"
                for a in "$@"; do echo "arg=$a"; done
                echo "LEDGER_CONFIG=${LEDGER_CONFIG-unset}"
                echo "LEDGER_PORT=${LEDGER_PORT-unset}"
                """);
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Started through a symlink elsewhere, as /usr/local/bin/ledger-server might be.
        Path link = Files.createSymbolicLink(dir.resolve("ledger-server"), home.resolve(SCRIPT));

        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", dir.resolve("jdk").toString());
        env.put("JAVA_OPTS", "-Xmx64m  -Dglob=*");
        env.put("LEDGER_PORT", "7001");
        List<String> args = List.of("--topic", "two words", "--port=7002");
        ChildJvm fake = ChildJvm.start("dist-script", dist.command(link, args, env).directory(dir.toFile()));
        assertThat(fake.awaitExit(Duration.ofSeconds(30))).isZero();
        fake.awaitLine(Pattern.compile("^LEDGER_PORT="), Duration.ofSeconds(10)); // the last line: all output read
        List<String> out = List.of(fake.tail(100).split("\n"));

        assertThat(out).as("exec: java runs as the script's own process").contains("pid=" + fake.pid());
        List<String> javaArgs = out.stream().filter(l -> l.startsWith("arg=")).map(l -> l.substring(4)).toList();
        assertThat(javaArgs).containsExactly(
                "-Dlogback.configurationFile=" + config.resolve("logback.xml"),
                "-Xmx64m", "-Dglob=*",
                "-cp", home.resolve("lib") + "/*", "dev.ledger.server.ServerMain",
                "--topic", "two words", "--port=7002");
        assertThat(out).contains("LEDGER_CONFIG=" + config.resolve("server.properties"), "LEDGER_PORT=7001");

        env.put("LEDGER_CONFIG", "/etc/ledger/other.properties");
        ChildJvm own = ChildJvm.start("dist-script-own-config", dist.command(link, List.of(), env));
        assertThat(own.awaitExit(Duration.ofSeconds(30))).isZero();
        own.awaitLine(Pattern.compile("^LEDGER_PORT="), Duration.ofSeconds(10));
        assertThat(own.tail(100)).contains("LEDGER_CONFIG=/etc/ledger/other.properties");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void withoutBootstrapServersTheArchiveFailsFastNamingTheSetting() throws Exception {
        DistArchive dist = DistArchive.unpack(DistArchive.built(), dir);
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"), "LEDGER_ADMIN_PORT", "0");
        try (ChildJvm server = ChildJvm.start("dist-no-kafka",
                dist.command(dist.home().resolve(SCRIPT), List.of("--port", "0"), env))) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).as("exit code; output:\n%s", server.tail(40))
                    .isEqualTo(1);
            String output = server.tail(40);
            assertThat(output).contains("--bootstrap-servers", "LEDGER_BOOTSTRAP_SERVERS")
                    .doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void serverStartedFromTheArchiveServesMetricsTakesAnEventAndDrainsOnSigterm() throws Exception {
        DistArchive dist = DistArchive.unpack(DistArchive.built(), dir);
        int port = AdminHttp.freePort();
        int adminPort = AdminHttp.freePort();
        try (EmbeddedKafka kafka = EmbeddedKafka.startSingleNode()) {
            Map<String, String> env = Map.of(
                    "JAVA_HOME", System.getProperty("java.home"),
                    "JAVA_OPTS", "-Xmx256m",
                    // Through the environment, as systemd's EnvironmentFile would set it.
                    "LEDGER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            List<String> args = List.of("--bind-address", "127.0.0.1", "--port", String.valueOf(port),
                    "--admin-port", String.valueOf(adminPort), "--topic", "ledger.dist",
                    "--allow-weak-durability");
            try (ChildJvm server = ChildJvm.start("dist-server", dist.command(dist.home().resolve(SCRIPT), args, env))) {
                server.awaitHttpOk(adminPort, "/readyz", START_TIMEOUT);
                // Logged just before ServerMain registers its shutdown hook; a SIGTERM before that skips the drain.
                server.awaitLine(Pattern.compile("ledger server listening on"), START_TIMEOUT);

                AdminHttp.Response metrics = AdminHttp.get(adminPort, "/metrics");
                assertThat(metrics.status()).isEqualTo(200);
                assertThat(metrics.contentType()).startsWith("text/plain");
                assertThat(metrics.body()).containsPattern("(?m)^# TYPE ledger_connections gauge$")
                        .containsPattern("(?m)^ledger_connections [0-9.eE+]+$");

                try (RawFrameClient client = RawFrameClient.connectAndHello(port, "dist-it")) {
                    Ack ack = client.submitAndAwait(1, List.of(TestEvents.transfer("payer", "payee", 5)));
                    assertThat(ack.getResultsList()).extracting(EventResult::getStatus)
                            .containsExactly(Status.STATUS_ACCEPTED);
                }

                // SIGTERM to the script's pid: the JVM itself, as the script execs.
                assertThat(server.stop(Duration.ofSeconds(60))).as("exit code; output:\n%s", server.tail(40))
                        .isZero();
                server.awaitLine(Pattern.compile("shutdown requested; draining"), Duration.ofSeconds(10));
            }
        }
    }



    /**
     * Development mode as the README starts it, {@code java -jar target/ledger-server.jar} without
     * {@code --bootstrap-servers}: the jar's class path (target/lib-dev) must hold the embedded broker and the core
     * (it once lacked a library the broker needs, and the jar failed at start while every in-JVM test passed).
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void developmentModeFromThePackagedJarRunsABrokerAndACoreThatDecides() throws Exception {
        int port = AdminHttp.freePort();
        int adminPort = AdminHttp.freePort();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder command = new ProcessBuilder(java.toString(), "-Xmx512m", "-jar",
                Path.of("target", "ledger-server.jar").toAbsolutePath().toString(), "--bind-address", "127.0.0.1",
                "--port", String.valueOf(port), "--admin-port", String.valueOf(adminPort), "--dev-data-dir",
                dir.resolve("kafka").toString());
        try (ChildJvm server = ChildJvm.start("dev-mode-jar", command)) {
            server.awaitHttpOk(adminPort, "/readyz", START_TIMEOUT);
            server.awaitLine(Pattern.compile("ledger server listening on"), START_TIMEOUT);
            try (RawFrameClient client = RawFrameClient.connectAndHello(port, "dev-mode-it")) {
                String account = "dev-" + TestEvents.newId();
                client.send(ClientFrame.newBuilder().setSubmit(Submit.newBuilder()
                        .setRequestId(1).setAwaitDecision(true).addEvents(TestEvents.createAccount(account))).build());
                Decision decision = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (decision == null && System.nanoTime() < deadline) {
                    ServerFrame frame = client.read(Duration.ofSeconds(60));
                    assertThat(frame).as("server closed the connection; output:\n%s", server.tail(40)).isNotNull();
                    if (frame.hasAck()) {
                        assertThat(frame.getAck().getResultsList()).extracting(EventResult::getStatus)
                                .containsExactly(Status.STATUS_ACCEPTED);
                    } else if (frame.hasDecisions()) {
                        assertThat(frame.getDecisions().getDecisionsList()).hasSize(1);
                        decision = frame.getDecisions().getDecisions(0);
                    }
                }
                assertThat(decision).as("a decision from the in-process core").isNotNull();
                assertThat(decision.getOutcome()).as("decision %s", decision)
                        .isEqualTo(Outcome.OUTCOME_APPLIED);
            }
            assertThat(server.stop(Duration.ofSeconds(60))).as("exit code; output:\n%s", server.tail(40)).isZero();
            assertThat(server.tail(400)).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        }
    }

    private static List<String> fileNames(Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        return names;
    }
}
