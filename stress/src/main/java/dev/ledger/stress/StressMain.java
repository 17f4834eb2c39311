package dev.ledger.stress;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code java -jar ledger-stress.jar}: dispatches to the {@code run}, {@code verify},
 * {@code demo} and {@code bench} commands. Each command's {@code call()} returns the process exit code.
 */
@Command(name = "ledger-stress", mixinStandardHelpOptions = true, version = "ledger-stress 0.1.0",
        description = "Load driver, verifier, demo and benchmark for the ledger ingest tier.",
        subcommands = {RunCommand.class, VerifyCommand.class, DemoCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class StressMain implements Runnable {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code, without exiting (for tests). */
    public static int execute(String... args) {
        return new CommandLine(new StressMain()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
