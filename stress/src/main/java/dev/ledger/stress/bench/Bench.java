package dev.ledger.stress.bench;

import dev.ledger.stress.load.ClientOptions;
import dev.ledger.stress.load.ClientSecurity;
import dev.ledger.stress.load.LoadDriver;
import dev.ledger.stress.load.LoadSettings;
import dev.ledger.stress.load.Mix;
import dev.ledger.stress.report.ReportFiles;
import dev.ledger.stress.report.RunReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Runs the benchmark: starts (or uses) a broker and a server as separate processes, then for each repeat runs
 * the raw-producer ceiling and the SDK → server → Kafka path back to back, records CPU time per process over
 * each phase, and prints the table with the ratio. Not thread-safe; one run per instance.
 */
public final class Bench {

    /** The decide phase's name in the table. */
    static final String DECIDE = "sdk-server-core";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final BenchSettings s;
    private final List<BenchRow> rows = new ArrayList<>();
    private final List<RunReport> reports = new ArrayList<>();
    private final List<CoreBenchResult> coreResults = new ArrayList<>();
    /** Server CPU nanoseconds and acknowledged events of each SDK phase's measured part (warm-up excluded). */
    private final Map<String, long[]> measuredServerCpu = new LinkedHashMap<>();

    public Bench(BenchSettings settings) {
        this.s = settings;
    }

    /** Runs everything; returns the process exit code (0 when every phase acked every event). */
    public int run() throws Exception {
        Path work = s.workDir() != null ? Files.createDirectories(s.workDir())
                : Files.createTempDirectory("ledger-bench");
        ChildProcess broker = null;
        ChildProcess server = null;
        ChildProcess core = null;
        ChildProcess tlsServer = null;
        try {
            String bootstrap = s.bootstrapServers();
            if (bootstrap == null) {
                System.out.println("starting broker process (log: " + work.resolve("broker.log") + ")");
                broker = ChildProcess.startJava("broker", s.brokerJvmOpts(), "dev.ledger.devkafka.EmbeddedKafkaMain",
                        List.of(), Pattern.compile("BOOTSTRAP=(\\S+)"), work.resolve("broker.log"));
                bootstrap = broker.awaitReady(START_TIMEOUT);
            }
            SweepPlan sweep = s.sweepPlan();
            if (s.raw() || s.tcp() || s.decide() || sweep != null) {
                createTopic(bootstrap, s.topic());
                createTopic(bootstrap, s.topic() + ".raw");
            }
            List<String> targets = s.targets();
            List<String> tlsTargets = List.of();
            if ((s.tcp() || s.decide() || sweep != null) && targets.isEmpty()) {
                int port = freePort();
                System.out.println("starting server process on 127.0.0.1:" + port + " (log: "
                        + work.resolve("server.log") + ")");
                List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--bind-address",
                        "127.0.0.1", "--port", String.valueOf(port), "--topic", s.topic(), "--topic-partitions",
                        String.valueOf(s.partitions()), "--decisions-topic", decisionsTopic(),
                        // the bench topic has replication factor 1 (it measures speed, it keeps nothing)
                        "--allow-weak-durability"));
                args.addAll(s.serverArgs());
                // The admin port is on, as in production (its cost is part of what is measured), unless a
                // --server-arg sets it (--server-arg=--admin-port=0 measures without it).
                boolean adminGiven = s.serverArgs().stream().anyMatch(a -> a.startsWith("--admin-port"));
                if (!adminGiven) {
                    args.addAll(List.of("--admin-port", String.valueOf(freePort())));
                }
                server = ChildProcess.startJava("server", s.serverJvmOpts(), "dev.ledger.server.ServerMain", args,
                        null, work.resolve("server.log"));
                awaitListening(server, port);
                targets = List.of("127.0.0.1:" + port);
                if (s.tls()) {
                    int tlsPort = freePort();
                    List<String> tlsArgs = new ArrayList<>(args);
                    tlsArgs.set(tlsArgs.indexOf("--port") + 1, String.valueOf(tlsPort));
                    if (!adminGiven) {
                        tlsArgs.set(tlsArgs.indexOf("--admin-port") + 1, String.valueOf(freePort()));
                    }
                    tlsArgs.addAll(BenchTls.serverArgs(work));
                    System.out.println("starting TLS server process on 127.0.0.1:" + tlsPort + " (TLS 1.3, provider "
                            + BenchTls.provider() + "; log: " + work.resolve("server-tls.log") + ")");
                    tlsServer = ChildProcess.startJava("server-tls", s.serverJvmOpts(), "dev.ledger.server.ServerMain",
                            tlsArgs, null, work.resolve("server-tls.log"));
                    awaitListening(tlsServer, tlsPort);
                    tlsTargets = List.of("127.0.0.1:" + tlsPort);
                }
            }
            if (sweep != null) {
                return sweep(sweep, bootstrap, targets, server);
            }
            if (s.decide()) {
                core = startDecidingCore(bootstrap, work);
            }
            boolean allAcked = true;
            for (int i = 1; i <= s.repeat(); i++) {
                if (s.raw()) {
                    String kafka = bootstrap;
                    allAcked &= phase("raw-producer", i, broker, null,
                            () -> new RawProducerBench(kafka, s.topic() + ".raw", s.accounts())
                                    .run(s.events(), s.duration(), s.warmup(), s.ratePerSecond(), true));
                }
                if (s.tcp()) {
                    List<String> t = targets;
                    ChildProcess p = server;
                    allAcked &= phase(BenchTable.TCP, i, broker, server,
                            () -> tcp(t, s.security(), BenchTable.TCP, p, false));
                }
                if (s.decide()) {
                    List<String> t = targets;
                    ChildProcess p = server;
                    ChildProcess c = core;
                    ChildProcess b = broker;
                    allAcked &= phase(DECIDE, i, broker, server, () -> decide(t, p, c, b));
                }
                if (tlsServer != null) {
                    List<String> t = tlsTargets;
                    ChildProcess p = tlsServer;
                    allAcked &= phase(BenchTable.TLS, i, broker, tlsServer,
                            () -> tcp(t, BenchTls.clientSecurity(work), BenchTable.TLS, p, false));
                }
                if (s.core()) {
                    System.out.printf("%n--- core (repeat %d) ---%n", i);
                    coreResults.add(new CoreBench(bootstrap, s, work, broker).run());
                }
            }
            BenchTable table = new BenchTable(rows);
            System.out.println();
            if (!rows.isEmpty()) {
                System.out.print(table.format());
            }
            Map<String, Double> cpuPerEvent = serverCpuMicrosPerEvent();
            cpuPerEvent.forEach((phase, micros) -> System.out.printf(
                    "server CPU per acknowledged event, %s: %.2f us (measured part, warm-up excluded)%n", phase, micros));
            for (CoreBenchResult c : coreResults) {
                System.out.print(c.format());
            }
            if (s.json() != null) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("date", Instant.now().toString());
                json.put("cores", Runtime.getRuntime().availableProcessors());
                json.put("rows", rows);
                json.put("ratioTcpToRaw", table.ratio());
                json.put("ratioTlsToTcp", table.tlsRatio());
                json.put("serverCpuMicrosPerEvent", cpuPerEvent);
                json.put("reports", reports);
                json.put("core", coreResults);
                ReportFiles.writeJson(s.json(), json);
            }
            return allAcked ? 0 : 1;
        } finally {
            if (core != null) {
                core.close();
            }
            if (tlsServer != null) {
                tlsServer.close();
            }
            if (server != null) {
                server.close();
            }
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** {@code --sweep}: the points instead of the phases; table on stdout, JSON and SVG when asked. */
    private int sweep(SweepPlan plan, String bootstrap, List<String> targets, ChildProcess server) throws Exception {
        SweepReport report = new SweepBench(s, plan).run(bootstrap, targets, server);
        System.out.println();
        System.out.print(report.table());
        if (s.json() != null) {
            Map<String, Object> json = new LinkedHashMap<>(report.json());
            json.put("date", Instant.now().toString());
            ReportFiles.writeJson(s.json(), json);
        }
        if (s.svg() != null) {
            Files.writeString(s.svg(), report.svg());
        }
        return 0;
    }

    private Map<String, Double> serverCpuMicrosPerEvent() {
        Map<String, Double> out = new LinkedHashMap<>();
        measuredServerCpu.forEach((phase, v) -> {
            if (v[1] > 0 && v[0] >= 0) {
                out.put(phase, v[0] / 1000.0 / v[1]);
            }
        });
        return out;
    }

    /** The SDK path; with {@code awaitDecision} every event waits for the core's decision (the decide phase). */
    private RunReport tcp(List<String> targets, ClientSecurity security, String name, ChildProcess server,
            boolean awaitDecision) throws InterruptedException {
        ClientOptions client = new ClientOptions(Math.max(s.window(), s.batch()), s.batch(), s.linger(),
                Duration.ofSeconds(30), security);
        LoadSettings load = new LoadSettings(targets, s.connections(), s.ratePerSecond(), s.window(), s.duration(),
                s.events(),
                new Mix(0, 0, 1, 0), s.accounts(), client, true, s.warmup(), awaitDecision);
        long[] cpuAtStart = {-1};
        RunReport r = new LoadDriver(load, null, System.out)
                .onMeasuredStart(() -> {
                    cpuAtStart[0] = server == null ? -1 : server.cpuNanos();
                    if (onMeasuredStart != null) {
                        onMeasuredStart.run();
                    }
                }).run(name);
        if (server != null && cpuAtStart[0] >= 0) {
            long cpu = server.cpuNanos() - cpuAtStart[0];
            long[] sum = measuredServerCpu.computeIfAbsent(name, k -> new long[2]);
            sum[0] += cpu;
            sum[1] += r.acked();
            if (r.acked() > 0) {
                System.out.printf("server CPU per acknowledged event: %.2f us (measured part)%n",
                        cpu / 1000.0 / r.acked());
            }
        }
        return r;
    }

    /**
     * The decide phase: the SDK path awaiting every decision, then each process's CPU per decided event over the
     * measured part (warm-up excluded): where a decided event's cost goes.
     */
    private RunReport decide(List<String> targets, ChildProcess server, ChildProcess core, ChildProcess broker)
            throws InterruptedException {
        long[] before = new long[4];
        CoreAdmin.Scrape[] coreBefore = {CoreAdmin.Scrape.UNREACHABLE};
        ChildProcess[] procs = {server, core, broker};
        onMeasuredStart = () -> {
            for (int i = 0; i < procs.length; i++) {
                before[i] = procs[i] == null ? -1 : procs[i].cpuNanos();
            }
            before[3] = CpuTime.ofSelf();
            coreBefore[0] = coreAdmin == null ? CoreAdmin.Scrape.UNREACHABLE : coreAdmin.scrape();
        };
        try {
            RunReport r = tcp(targets, s.security(), DECIDE, server, true);
            if (r.acked() > 0) {
                String[] names = {"server", "core", "broker"};
                StringBuilder line = new StringBuilder("CPU per decided event (measured part):");
                for (int i = 0; i < procs.length; i++) {
                    if (procs[i] != null && before[i] >= 0) {
                        line.append(String.format(" %s %.2f us,", names[i],
                                (procs[i].cpuNanos() - before[i]) / 1000.0 / r.acked()));
                    }
                }
                line.append(String.format(" driver %.2f us", (CpuTime.ofSelf() - before[3]) / 1000.0 / r.acked()));
                System.out.println(line);
                printCoreTransactions(coreBefore[0], r);
            }
            return r;
        } finally {
            onMeasuredStart = null;
        }
    }

    /**
     * The core's transactions over the measured part (from its /metrics): how many, how many decided events each,
     * and the mean time in commitTransaction. A decision waits for its transaction's commit, so this is part of
     * submit-to-decision latency.
     */
    private void printCoreTransactions(CoreAdmin.Scrape before, RunReport r) {
        CoreAdmin.Scrape after = coreAdmin == null ? CoreAdmin.Scrape.UNREACHABLE : coreAdmin.scrape();
        double transactions = after.committedTransactions() - before.committedTransactions();
        double commits = after.commits() - before.commits();
        if (!before.reachable() || !after.reachable() || before.commits() < 0 || before.committedTransactions() < 0
                || transactions <= 0 || commits <= 0) {
            return;
        }
        System.out.printf("core transactions (measured part): %.0f committed, %.1f per second, %.0f decided events"
                + " each, mean commit %.2f ms (idle commits included)%n", transactions, transactions / (r.durationNanos() / 1e9),
                r.acked() / transactions, (after.commitSeconds() - before.commitSeconds()) * 1000 / commits);
    }

    /** An extra action at the start of a measured part (the decide phase's CPU readings), or null. */
    private Runnable onMeasuredStart;

    /** The deciding core's admin port, once it is started. */
    private CoreAdmin coreAdmin;

    private String decisionsTopic() {
        return s.topic() + ".decisions";
    }

    /** The decide phase's core: its own JVM on the server's topics, started and awaited until it is active. */
    private ChildProcess startDecidingCore(String bootstrap, Path work) throws Exception {
        int port = freePort();
        String prefix = s.topic();
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--mutations-topic", s.topic(),
                "--decisions-topic", decisionsTopic(), "--snapshots-topic", prefix + ".snapshots", "--lease-topic",
                prefix + ".lease", "--group-id", prefix + "-core", "--transactional-id", prefix + "-core",
                "--admin-port", String.valueOf(port), "--replication-factor", "1"));
        args.addAll(s.coreArgs());
        List<String> jvm = s.coreJvmOpts().isEmpty() ? List.of("-Xmx2g") : s.coreJvmOpts();
        Path log = work.resolve("core.log");
        ChildProcess core = Files.isRegularFile(s.coreJar())
                ? ChildProcess.startJar("core", jvm, s.coreJar(), args, null, log)
                : ChildProcess.startJava("core", jvm, "dev.ledger.core.CoreMain", args, null, log);
        System.out.println("starting core process (admin 127.0.0.1:" + port + ", log: " + log + ")");
        CoreAdmin admin = new CoreAdmin(port);
        coreAdmin = admin;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!admin.scrape().active()) {
            if (!core.isAlive() || System.nanoTime() > deadline) {
                core.close();
                throw new IllegalStateException("core process did not become active; see " + log);
            }
            Thread.sleep(200);
        }
        return core;
    }

    /** A phase's body. */
    private interface Phase {
        RunReport run() throws Exception;
    }

    private boolean phase(String name, int repeat, ChildProcess broker, ChildProcess server, Phase body)
            throws Exception {
        System.out.printf("%n--- %s (repeat %d) ---%n", name, repeat);
        long brokerCpu = broker == null ? -1 : broker.cpuNanos();
        long serverCpu = server == null ? -1 : server.cpuNanos();
        long selfCpu = CpuTime.ofSelf();
        RunReport r = body.run();
        long selfDelta = CpuTime.ofSelf() - selfCpu;
        long brokerDelta = broker == null ? -1 : broker.cpuNanos() - brokerCpu;
        long serverDelta = server == null ? -1 : server.cpuNanos() - serverCpu;
        System.out.print(r.format());
        reports.add(r);
        rows.add(new BenchRow(name, repeat, r.acked(), r.durationNanos() / 1e9, r.throughputPerSecond(),
                r.latency().p50Micros(), r.latency().p99Micros(), selfDelta / 1e9,
                serverDelta < 0 ? -1 : serverDelta / 1e9, brokerDelta < 0 ? -1 : brokerDelta / 1e9));
        return r.acked() == r.sent();
    }

    private void createTopic(String bootstrap, String topic) throws Exception {
        createTopic(bootstrap, topic, s.partitions(), (short) 1);
    }

    /** Creates a topic unless it exists; {@code replicationFactor} -1 for the broker's default. */
    static void createTopic(String bootstrap, String topic, int partitions, short replicationFactor) throws Exception {
        Map<String, Object> props = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    private static void awaitListening(ChildProcess server, int port) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server process exited during startup; see its log");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("server did not listen on port " + port + " within " + START_TIMEOUT);
    }
}
