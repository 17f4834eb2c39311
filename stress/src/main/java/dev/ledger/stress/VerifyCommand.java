package dev.ledger.stress;

import dev.ledger.stress.report.ReportFiles;
import dev.ledger.stress.verify.AckedEntry;
import dev.ledger.stress.verify.AckedLog;
import dev.ledger.stress.verify.DecisionReport;
import dev.ledger.stress.verify.DecisionVerifier;
import dev.ledger.stress.verify.TopicScanner;
import dev.ledger.stress.verify.Verifier;
import dev.ledger.stress.verify.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code verify}: reads the topic back and checks an acked log against it. Exit 0 only on PASS. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Reads the topic back from Kafka (all partitions, beginning to the end offsets captured at "
                + "start) and checks the acked log: every acknowledged id present (lost = 0), duplicates "
                + "counted, per-key order kept for events sent in order on one connection.",
            "With --decisions, also reads the core's decision journal (read_committed) and checks that every acked "
                + "event has exactly one original decision, that sequences run 0..n-1, and that folding the journal "
                + "keeps the invariants: balances sum to 0 per currency, no non-settlement account below zero, "
                + "each event id applied at most once.",
            "Exit code 0 = PASS, 1 = lost events, order violations or (with --decisions) any journal violation."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, host:port[,...]")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "ledger.mutations", description = "Topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--acked-log", required = true, description = "Acked log written by 'run --acked-log'")
    Path ackedLog;

    @Option(names = "--decisions", description = "Also verify the core's decision journal")
    boolean decisions;

    @Option(names = "--decisions-topic", defaultValue = "ledger.decisions",
            description = "The decision journal (default: ${DEFAULT-VALUE})")
    String decisionsTopic;

    @Option(names = "--timeout", defaultValue = "120s", converter = DurationConverter.class,
            description = "Give up reading the topic after this long (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--json", description = "Also write the report as JSON to this file")
    Path json;

    @Option(names = "--kafka-config", defaultValue = "${env:LEDGER_KAFKA_CONFIG}",
            description = "Kafka properties file for the consumer (security.protocol, sasl.*, ssl.*: secrets stay off "
                    + "the command line). Env LEDGER_KAFKA_CONFIG.")
    Path kafkaConfig;

    @Override
    public Integer call() throws Exception {
        List<AckedEntry> acked = AckedLog.read(ackedLog);
        Map<String, String> settings = kafkaProperties(kafkaConfig);
        VerifyReport report = Verifier.verifyTopic(new TopicScanner(bootstrapServers, topic, timeout)
                .withSettings(settings), topic, acked);
        System.out.print(report.format());
        DecisionReport journal = null;
        if (decisions) {
            journal = DecisionVerifier.verifyTopic(new TopicScanner(bootstrapServers, decisionsTopic, timeout)
                    .withSettings(settings), decisionsTopic, acked.stream().map(AckedEntry::eventId).toList());
            System.out.print(journal.format());
        }
        if (json != null) {
            ReportFiles.writeJson(json, journal == null ? report : Map.of("topic", report, "decisions", journal));
        }
        return report.passed() && (journal == null || journal.passed()) ? 0 : 1;
    }

    private static Map<String, String> kafkaProperties(Path file) throws java.io.IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        if (file != null) {
            java.util.Properties p = new java.util.Properties();
            try (var r = java.nio.file.Files.newBufferedReader(file)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        }
        return out;
    }
}
