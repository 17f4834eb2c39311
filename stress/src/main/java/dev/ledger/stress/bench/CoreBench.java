package dev.ledger.stress.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code bench --phases core}: the ledger core end to end, mutations topic to decisions topic, as its own JVM.
 *
 * <ol>
 *   <li>Fresh topics {@code bench-core-<time>.*} (nothing else reads or writes them); the setup events (accounts
 *       and top-ups) are written and decided by a first core, which then stops: the core consumes partitions in
 *       no fixed order, so accounts must be decided before transfers that use them are in the same fetch.</li>
 *   <li>The transfers are written (pre-fill), then a new core starts: timed from its start, and from the moment
 *       it is active, until its committed journal holds a decision for every mutation (its admin
 *       {@code ledger_core_next_sequence}, published after each commit). CPU from /proc of the child.</li>
 *   <li>Restart: the core is stopped (SIGTERM, so it leaves the lease group) and started again, timed until it is
 *       active at the final sequence; once from its snapshots, once from an empty snapshots topic (full replay).</li>
 * </ol>
 * Not thread-safe; one run per instance.
 */
public final class CoreBench {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final long POLL_MILLIS = 50;

    private final String bootstrap;
    private final BenchSettings s;
    private final Path work;
    private final ChildProcess broker;
    private final String prefix = "bench-core-" + System.currentTimeMillis();
    private final Map<ChildProcess, Integer> ports = new java.util.IdentityHashMap<>();
    private int launches;

    public CoreBench(String bootstrap, BenchSettings settings, Path work, ChildProcess broker) {
        this.bootstrap = bootstrap;
        this.s = settings;
        this.work = work;
        this.broker = broker;
    }

    public CoreBenchResult run() throws Exception {
        long events = s.events() == Long.MAX_VALUE ? BenchSettings.CORE_EVENTS : s.events();
        MutationFill fill = new MutationFill(bootstrap, prefix + ".mutations", s.accounts(), s.overdraftShare(), 42);
        if (events <= fill.setupEvents()) {
            throw new IllegalArgumentException("--events must exceed the setup events (" + fill.setupEvents()
                    + " for --accounts " + s.accounts() + "): " + events);
        }
        createTopic(prefix + ".mutations", s.partitions());
        System.out.printf("core bench on topics %s.* : %d events (%d setup, %d transfers, %.1f %% overdraft "
                + "attempts), core JVM %s%n", prefix, events, fill.setupEvents(), events - fill.setupEvents(),
                s.overdraftShare() * 100, coreJvmOpts(events));
        long setup;
        try (ChildProcess core = startCore(null)) {
            long opened = fill.writeSetup(0);
            awaitState(core, sc -> sc.active() && sc.nextSequence() >= opened);
            setup = opened + fill.writeSetup(1);
            awaitState(core, sc -> sc.nextSequence() >= setup);
        }
        long t0 = System.nanoTime();
        fill.writeTransfers(events - setup);
        double fillSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("pre-filled %d transfers in %.1f s (%.0f/s); starting the measured core%n",
                events - setup, fillSeconds, (events - setup) / fillSeconds);

        long brokerCpu0 = broker == null ? -1 : broker.cpuNanos();
        long start = System.nanoTime();
        CoreAdmin.Scrape last;
        long activeAt;
        long cpuAtActive;
        long cpuAtDone;
        long doneAt;
        try (ChildProcess core = startCore(null)) {
            CoreAdmin admin = adminOf(core);
            awaitState(core, admin, CoreAdmin.Scrape::active);
            activeAt = System.nanoTime();
            cpuAtActive = core.cpuNanos();
            long from = admin.scrape().nextSequence();
            last = awaitState(core, admin, sc -> sc.nextSequence() >= events, sc -> System.out.printf(
                    "  %5.1f s  decided %,d of %,d%n", (System.nanoTime() - start) / 1e9, sc.nextSequence(), events));
            doneAt = System.nanoTime();
            cpuAtDone = core.cpuNanos();
            System.out.printf("decided %,d events in %.2f s from process start, %.2f s from active (started at "
                    + "sequence %d)%n", events - setup, (doneAt - start) / 1e9, (doneAt - activeAt) / 1e9, from);
        }
        long brokerCpu = broker == null ? -1 : broker.cpuNanos() - brokerCpu0;
        long decided = events - setup;
        double restartSnapshot = restart(null, events, "from snapshots");
        double restartEmpty = restart(prefix + ".snapshots-empty", events, "from an empty start");
        return new CoreBenchResult(prefix, events, decided, fill.overdrafts(), fillSeconds,
                (doneAt - start) / 1e9, (doneAt - activeAt) / 1e9, decided / ((doneAt - start) / 1e9),
                decided / ((doneAt - activeAt) / 1e9), cpuAtDone / 1e3 / decided,
                (cpuAtDone - cpuAtActive) / 1e3 / decided, brokerCpu < 0 ? -1 : brokerCpu / 1e9,
                restartSnapshot, restartEmpty, last.decisionsByKind(), coreJvmOpts(events));
    }

    /** Starts a core on the final journal and returns seconds until it is active at sequence {@code events}. */
    private double restart(String snapshotsTopic, long events, String what) throws Exception {
        long start = System.nanoTime();
        try (ChildProcess core = startCore(snapshotsTopic)) {
            awaitState(core, sc -> sc.active() && sc.nextSequence() >= events);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("restart %s: active at sequence %,d after %.2f s%n", what, events, seconds);
            return seconds;
        }
    }

    private ChildProcess startCore(String snapshotsTopic) throws IOException {
        int port = Bench.freePort();
        int n = ++launches;
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap,
                "--mutations-topic", prefix + ".mutations", "--decisions-topic", prefix + ".decisions",
                "--snapshots-topic", snapshotsTopic == null ? prefix + ".snapshots" : snapshotsTopic,
                "--lease-topic", prefix + ".lease", "--group-id", prefix, "--transactional-id", prefix,
                "--admin-port", String.valueOf(port), "--core-id", "bench-core-" + n));
        args.addAll(s.coreArgs());
        Path log = work.resolve("core-" + n + ".log");
        List<String> jvm = coreJvmOpts(s.events() == Long.MAX_VALUE ? BenchSettings.CORE_EVENTS : s.events());
        Path jar = s.coreJar();
        ChildProcess core = Files.isRegularFile(jar)
                ? ChildProcess.startJar("core-" + n, jvm, jar, args, null, log)
                : ChildProcess.startJava("core-" + n, jvm, "dev.ledger.core.CoreMain", args, null, log);
        System.out.printf("core %d started (%s, admin 127.0.0.1:%d, log %s)%n", n,
                Files.isRegularFile(jar) ? jar : "this class path", port, log);
        ports.put(core, port);
        return core;
    }

    private CoreAdmin adminOf(ChildProcess core) {
        return new CoreAdmin(ports.get(core));
    }

    /** The JVM options of the core: as given, or a heap sized for the run (about 300 bytes per event). */
    private List<String> coreJvmOpts(long events) {
        if (!s.coreJvmOpts().isEmpty()) {
            return s.coreJvmOpts();
        }
        long mb = 1024 + events * 300 / (1024 * 1024);
        return List.of("-Xmx" + mb + "m");
    }

    private CoreAdmin.Scrape awaitState(ChildProcess core, Predicate<CoreAdmin.Scrape> done)
            throws InterruptedException {
        return awaitState(core, adminOf(core), done);
    }

    private CoreAdmin.Scrape awaitState(ChildProcess core, CoreAdmin admin, Predicate<CoreAdmin.Scrape> done)
            throws InterruptedException {
        return awaitState(core, admin, done, null);
    }

    /** Polls the admin port until {@code done}; no progress for {@link #START_TIMEOUT} fails the bench. */
    private CoreAdmin.Scrape awaitState(ChildProcess core, CoreAdmin admin, Predicate<CoreAdmin.Scrape> done,
            java.util.function.Consumer<CoreAdmin.Scrape> progress) throws InterruptedException {
        long lastSequence = -2;
        long progressAt = System.nanoTime();
        long printedAt = System.nanoTime();
        while (true) {
            if (!core.isAlive()) {
                throw new IllegalStateException("the core process exited; see its log in " + work);
            }
            CoreAdmin.Scrape sc = admin.scrape();
            if (sc.reachable() && done.test(sc)) {
                return sc;
            }
            long now = System.nanoTime();
            if (sc.nextSequence() != lastSequence) {
                lastSequence = sc.nextSequence();
                progressAt = now;
            } else if (now - progressAt > START_TIMEOUT.toNanos()) {
                throw new IllegalStateException("the core made no progress for " + START_TIMEOUT + " at sequence "
                        + lastSequence + "; see its log in " + work);
            }
            if (progress != null && now - printedAt >= 1_000_000_000L) {
                progress.accept(sc);
                printedAt = now;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private void createTopic(String topic, int partitions) throws Exception {
        Bench.createTopic(bootstrap, topic, partitions, (short) -1);
    }
}
