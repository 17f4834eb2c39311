package dev.ledger.stress;

import dev.ledger.stress.report.ReportFiles;
import dev.ledger.stress.verify.AckedEntry;
import dev.ledger.stress.verify.AckedLog;
import dev.ledger.stress.verify.Verifier;
import dev.ledger.stress.verify.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code verify}: reads the topic back and checks an acked log against it. Exit 0 only on PASS. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Reads the topic back from Kafka (all partitions, beginning to the end offsets captured at "
                + "start) and checks the acked log: every acknowledged id present (lost = 0), duplicates "
                + "counted, per-key order kept for events sent in order on one connection.",
            "Exit code 0 = PASS, 1 = lost events or order violations."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, host:port[,...]")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "ledger.mutations", description = "Topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--acked-log", required = true, description = "Acked log written by 'run --acked-log'")
    Path ackedLog;

    @Option(names = "--timeout", defaultValue = "120s", converter = DurationConverter.class,
            description = "Give up reading the topic after this long (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--json", description = "Also write the report as JSON to this file")
    Path json;

    @Override
    public Integer call() throws Exception {
        List<AckedEntry> acked = AckedLog.read(ackedLog);
        VerifyReport report = Verifier.verifyTopic(bootstrapServers, topic, acked, timeout);
        System.out.print(report.format());
        if (json != null) {
            ReportFiles.writeJson(json, report);
        }
        return report.passed() ? 0 : 1;
    }
}
