package dev.ledger.stress;

import dev.ledger.stress.demo.Demo;
import dev.ledger.stress.demo.DemoResult;
import dev.ledger.stress.report.ReportFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: the whole path in one command, no setup. Exit 0 only when verified. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts an embedded Kafka, an in-process server on 127.0.0.1 and an in-process ledger core, "
                + "opens payer, payee, fee, tax, settlement and small-payer accounts, tops the payer up with "
                + "1,000,000.00 USD and small-payer with 50.00, sends transfers of 100.00 (fee 10.00, tax 5.00) with "
                + "a snapshot half way, then 100 transfers of 100.00 from small-payer (accepted by the server, "
                + "rejected by the core), then verifies the topic and the decision journal (as 'verify --decisions' "
                + "does).",
            "Exit code 0 only when verified: all accepted, lost = 0, one original decision per event, the 100 "
                + "overdrafts REJECTED INSUFFICIENT_FUNDS, every entry balanced, nobody below zero."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--transfers", defaultValue = "10000", description = "Transfers to send (default: ${DEFAULT-VALUE})")
    int transfers;

    @Option(names = "--rate", defaultValue = "1000", description = "Transfers per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--tls", description = "Run everything over mTLS with a CA and certificates made in a temporary directory")
    boolean tls;

    @Option(names = "--html", description = "Also write the latency charts as a self-contained HTML page")
    Path html;

    @Override
    public Integer call() throws Exception {
        DemoResult result = new Demo(transfers, rate, System.out, tls).run();
        if (html != null) {
            ReportFiles.writeHtml(html, result.run());
        }
        return result.passed() ? 0 : 1;
    }
}
