package dev.ledger.stress;

import dev.ledger.stress.load.ClientOptions;
import dev.ledger.stress.load.LoadDriver;
import dev.ledger.stress.load.LoadSettings;
import dev.ledger.stress.load.Mix;
import dev.ledger.stress.report.ReportFiles;
import dev.ledger.stress.report.RunReport;
import dev.ledger.stress.verify.AckedLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: drives load at one or more servers through the SDK and reports throughput and latency. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drives load at one or more servers through the SDK. Open loop (--rate, latency from each "
                + "event's intended send time) or closed loop (--max with an in-flight --window). One progress "
                + "line per second, then a final report.",
            "Exit code 0 when every event was ACCEPTED, 1 otherwise."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--target", required = true, split = ",", description = "Server(s), host:port[,...]")
    List<String> targets;

    @Option(names = "--connections", defaultValue = "4",
            description = "Lanes (SDK clients); each key always uses the same one; lane i starts at target i mod n "
                    + "and fails over to the next ones in order (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--connections-per-lane", defaultValue = "1",
            description = "TCP connections of each lane's SDK client (default: ${DEFAULT-VALUE}); above 1 the SDK "
                    + "spreads a lane's frames over them")
    int connectionsPerLane;

    @Option(names = "--failover-after", defaultValue = "2s", converter = DurationConverter.class,
            description = "With several targets: a lane with events outstanding and no answer for this long moves "
                    + "to its next target and resends them there (default: ${DEFAULT-VALUE})")
    Duration failoverAfter;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Pace pace;

    static final class Pace {
        @Option(names = "--rate", description = "Open loop: events per second")
        double rate;

        @Option(names = "--max", description = "Closed loop: as fast as the --window allows")
        boolean max;
    }

    @Option(names = "--window", defaultValue = "10000",
            description = "In-flight events: the closed-loop window; in open loop the SDK bound (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to send (default: ${DEFAULT-VALUE}); with --events, whichever ends first")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "0s", converter = DurationConverter.class,
            description = "Send the same load unmeasured for this long first (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--events", defaultValue = "" + Long.MAX_VALUE, description = "How many events to send")
    long events;

    @Option(names = "--batch", defaultValue = "256", description = "SDK maxEventsPerBatch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--linger", defaultValue = "1ms", converter = DurationConverter.class,
            description = "SDK linger (default: ${DEFAULT-VALUE})")
    Duration linger;

    @Option(names = "--request-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "SDK per-event deadline (default: ${DEFAULT-VALUE})")
    Duration requestTimeout;

    @Option(names = "--mix", defaultValue = "create=1,topup=2,transfer=97,snapshot=0",
            description = "Weights of create, topup, transfer, snapshot (default: ${DEFAULT-VALUE})")
    String mix;

    @Option(names = "--accounts", defaultValue = "1000", description = "Customer accounts (default: ${DEFAULT-VALUE})")
    int accounts;

    @Option(names = "--setup", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Open and top up the accounts before measuring (default: on; --no-setup skips it)")
    boolean setup;

    @Mixin
    ClientSecurityOptions security;

    @Option(names = "--tls", description = "Connect with TLS, trusting the JDK's trust store unless --tls-trust-file is given")
    boolean tls;

    @Option(names = "--await-decision", description = "Send with submitForDecision: latency runs from submit to the "
            + "ledger core's decision, and outcomes are counted by decision and reason (needs a core running)")
    boolean awaitDecision;

    @Option(names = "--report-json", description = "Write the final report as JSON")
    Path reportJson;

    @Option(names = "--hgrm", description = "Write the HdrHistogram percentile distribution (ms)")
    Path hgrm;

    @Option(names = "--html", description = "Write a self-contained HTML page with latency charts")
    Path html;

    @Option(names = "--acked-log", description = "Write every acknowledged event (for verify)")
    Path ackedLog;

    @Override
    public Integer call() throws Exception {
        ClientOptions client = new ClientOptions(Math.max(window, batch), batch, linger, requestTimeout,
                security.toSecurity(tls), connectionsPerLane, failoverAfter);
        LoadSettings settings = new LoadSettings(targets, connections, pace.max ? 0 : pace.rate, window, duration,
                events, Mix.parse(mix), accounts, client, setup, warmup, awaitDecision);
        RunReport report;
        try (AckedLog log = ackedLog == null ? null : AckedLog.open(ackedLog)) {
            report = new LoadDriver(settings, log == null ? null : log::append, System.out).run("run");
        }
        System.out.println();
        System.out.print(report.format());
        if (reportJson != null) {
            ReportFiles.writeJson(reportJson, report);
        }
        if (hgrm != null) {
            ReportFiles.writeHgrm(hgrm, report.histogram());
        }
        if (html != null) {
            ReportFiles.writeHtml(html, report);
        }
        return report.acked() == report.sent() ? 0 : 1;
    }
}
