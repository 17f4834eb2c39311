package dev.ledger.stress;

import dev.ledger.stress.bench.Bench;
import dev.ledger.stress.bench.BenchSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: raw KafkaProducer ceiling vs the SDK → server → Kafka path, same broker, back to back. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures (a) the ceiling: a plain KafkaProducer (acks=all, linger 1 ms, batch 128 KiB) "
                + "sending the driver's events as fast as it can, and (b) the TCP path: SDK -> server -> Kafka at "
                + "max rate (closed loop, generous window). Broker and server run as separate JVMs started from "
                + "this jar unless --bootstrap-servers / --target point at external ones.",
            "With --rate, both phases run open loop at that rate instead, latency measured from each event's "
                + "intended send time.",
            "Prints events/s, p50, p99 and CPU seconds per process, and the ratio b/a.",
            "--phases core: pre-fills fresh topics with accounts, top-ups and transfers (--events, default 2,000,000), "
                + "starts the ledger core as its own JVM and times it until every mutation is decided "
                + "(decisions/s, core CPU us per event), then its restart time from snapshots and from empty.",
            "--phases decide: the whole chain with a ledger core process beside the server: every event is sent with "
                + "submitForDecision, so events/s count decided events and latency runs from submit to decision."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", description = "External Kafka; default: start a broker process")
    String bootstrapServers;

    @Option(names = "--target", split = ",", description = "External server(s) host:port; default: start a "
            + "server process (needs the broker it uses to be the one given/started here)")
    List<String> targets;

    @Option(names = "--topic", defaultValue = "ledger.mutations",
            description = "Topic the server writes (default: ${DEFAULT-VALUE}); the raw run uses <topic>.raw")
    String topic;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of both topics (default: 3)")
    int partitions;

    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "Length of each phase (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "5s", converter = DurationConverter.class,
            description = "Unmeasured warm-up before each phase (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--events", defaultValue = "" + Long.MAX_VALUE,
            description = "Stop each phase after this many events (whichever comes first with --duration)")
    long events;

    @Option(names = "--rate", defaultValue = "0",
            description = "Open loop: events/s for both phases; 0 = as fast as possible (default: 0)")
    double rate;

    @Option(names = "--repeat", defaultValue = "1", description = "Run both phases this many times (default: 1)")
    int repeat;

    @Option(names = "--phases", defaultValue = "raw,tcp", split = ",",
            description = "Which phases: raw, tcp, core, decide (default: raw,tcp)")
    List<String> phases;

    @Option(names = "--connections", defaultValue = "2", description = "SDK connections (default: 2)")
    int connections;

    @Option(names = "--window", defaultValue = "20000", description = "Closed-loop in-flight events (default: 20000)")
    int window;

    @Option(names = "--batch", defaultValue = "512", description = "SDK maxEventsPerBatch (default: 512)")
    int batch;

    @Option(names = "--linger", defaultValue = "1ms", converter = DurationConverter.class,
            description = "SDK linger (default: 1ms)")
    Duration linger;

    @Option(names = "--accounts", defaultValue = "10000", description = "Customer accounts (default: 10000)")
    int accounts;

    @Option(names = "--broker-jvm-opts", defaultValue = "-Xmx2g", split = " ",
            description = "JVM options of the broker process (default: -Xmx2g)")
    List<String> brokerJvmOpts;

    @Option(names = "--server-jvm-opts", defaultValue = "-Xmx2g", split = " ",
            description = "JVM options of the server process (default: -Xmx2g)")
    List<String> serverJvmOpts;

    @Option(names = "--server-arg", description = "Extra argument passed to ServerMain (repeatable)")
    List<String> serverArgs;

    @Option(names = "--core-jvm-opts", split = " ",
            description = "JVM options of the core process (default: -Xmx sized for --events, ~300 bytes each)")
    List<String> coreJvmOpts;

    @Option(names = "--core-jar", defaultValue = "core/target/ledger-core.jar",
            description = "The core's runnable jar (default: ${DEFAULT-VALUE}); if absent, the core runs from "
                    + "this jar's class path")
    Path coreJar;

    @Option(names = "--core-arg", description = "Extra argument passed to the core (repeatable), e.g. "
            + "--core-arg=--snapshot-every=500000")
    List<String> coreArgs;

    @Option(names = "--overdraft-percent", defaultValue = "2",
            description = "Core phase: percent of transfers that would overdraw their payer (default: 2)")
    double overdraftPercent;

    @Option(names = "--work-dir", description = "Where child logs go (default: a temporary directory)")
    Path workDir;

    @Option(names = "--json", description = "Write the table and every phase report as JSON to this file")
    Path json;

    @Option(names = "--tls", description = "Also run the SDK path over TLS (a second server process with a "
            + "certificate made for the run) and report its throughput and server CPU per event against plaintext")
    boolean tls;

    @Option(names = "--sweep", description = "Instead of the phases: sweep connections (1,10,100,1000 at 20000/s) "
            + "or batch (1,10,100,1000 events per frame at 50000/s); each point runs the raw producer and the SDK "
            + "path at the same rate (--rate overrides it), and the connections sweep also probes the most each shape "
            + "holds (closed loop, --window in flight)")
    String sweep;

    @Option(names = "--sweep-values", split = ",", description = "The swept values (default: 1,10,100,1000)")
    List<Integer> sweepValues;

    @Option(names = "--svg", description = "With --sweep: write the plot (server and raw CPU us per event) here")
    Path svg;

    @Mixin
    ClientSecurityOptions security;

    @Override
    public Integer call() throws Exception {
        BenchSettings s = new BenchSettings(bootstrapServers, targets == null ? List.of() : targets, topic,
                partitions, duration, warmup, events, rate, repeat, phases.contains("raw"), phases.contains("tcp"),
                connections,
                window, batch, linger, accounts, brokerJvmOpts, serverJvmOpts,
                serverArgs == null ? List.of() : serverArgs, workDir, json, phases.contains("core"),
                coreJvmOpts == null ? List.of() : coreJvmOpts, coreJar, coreArgs == null ? List.of() : coreArgs,
                overdraftPercent / 100, tls, security.toSecurity(false), phases.contains("decide"), sweep,
                sweepValues == null ? List.of() : sweepValues, svg);
        return new Bench(s).run();
    }
}
