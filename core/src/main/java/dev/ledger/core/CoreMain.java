package dev.ledger.core;

import dev.ledger.core.config.CoreConfig;
import dev.ledger.core.config.ConfigFile;
import dev.ledger.core.config.CoreOptions;
import dev.ledger.core.logging.LogSetup;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar ledger-core.jar --bootstrap-servers HOST:PORT [flags]}: runs one ledger core until SIGTERM. Run
 * two for availability: one decides, the other folds the journal and takes over when the first dies.
 */
@Command(name = "ledger-core", mixinStandardHelpOptions = true, version = "ledger-core 0.1.0", sortOptions = false,
        description = "The ledger core: decides every mutation against the ledger's rules and journals the decisions.")
public final class CoreMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(CoreMain.class);

    @Mixin
    private CoreOptions options;

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        int code = ConfigFile.execute(new CommandLine(new CoreMain()), args, System::getenv);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        LogSetup.configure(options.logFormat(), "dev/ledger/core/logback.xml");
        log.info("{}", ConfigFile.of(spec).describe(spec.commandLine().getParseResult()));
        CoreConfig config;
        try {
            config = options.toConfig();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("invalid configuration: " + e.getMessage());
            return 2;
        }
        // The hook is in place before the core starts: a SIGTERM during startup closes what has started.
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicReference<CoreNode> started = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            log.info("shutdown requested");
            CoreNode n = started.get();
            if (n != null) {
                n.close();
            }
        }, "ledger-core-shutdown"));
        CoreNode node;
        try {
            node = CoreNode.start(config);
            started.set(node);
        } catch (RuntimeException e) {
            log.error("startup failed: {}", e.getMessage());
            return 1;
        }
        if (stopping.get()) {
            node.close(); // SIGTERM arrived while it started: the hook found nothing to close
        }
        node.join();
        if (stopping.get()) {
            return 0;
        }
        // The loop recovers from every failure it knows; if it still ended, the process must not stay up doing nothing.
        log.error("the core loop ended without a shutdown request; exiting");
        return 1;
    }
}
