package dev.ledger.server;

import dev.ledger.core.config.ConfigFile;
import dev.ledger.core.logging.LogSetup;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.server.config.ServerOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar ledger-server.jar [flags]}: builds the config, starts the server (and, without
 * {@code --bootstrap-servers}, an embedded development broker), and drains gracefully on SIGTERM, exiting 0.
 * Settings come from flags, environment variables and {@code --config FILE} ({@link ConfigFile}), in that order.
 */
@Command(name = "ledger-server", mixinStandardHelpOptions = true, version = ServerContext.SERVER_VERSION,
        sortOptions = false, description = "TCP ingest server of the ledger: protobuf frames in, Kafka records out.")
public final class ServerMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServerMain.class);

    @Mixin
    private ServerOptions options;

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        int code = ConfigFile.execute(new CommandLine(new ServerMain()), args, System::getenv);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        LogSetup.configure(options.logFormat(), "dev/ledger/server/logback.xml");
        ConfigFile file = ConfigFile.of(spec);
        log.info("{}", file.describe(spec.commandLine().getParseResult()));
        String bootstrap = options.bootstrapServers();
        ServerConfig config;
        try {
            config = options.toConfig(bootstrap == null ? "embedded" : bootstrap, file);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("invalid configuration: " + e.getMessage());
            return 2;
        }
        // The hook is in place before anything starts: a SIGTERM at any moment stops what has started so far.
        AtomicReference<LedgerServer> server = new AtomicReference<>();
        AtomicReference<AutoCloseable> devCore = new AtomicReference<>();
        AtomicReference<AutoCloseable> devKafka = new AtomicReference<>();
        Duration drain = Duration.ofMillis(config.drainTimeoutMs());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutdown requested; draining for up to {}", drain);
            LedgerServer s = server.get();
            if (s != null) {
                s.shutdownGracefully(drain);
            }
            closeQuietly(devCore.get(), "ledger core");
            closeQuietly(devKafka.get(), "embedded Kafka");
            // A drained stop is a success: exit 0 rather than the JVM's 143 for SIGTERM.
            Runtime.getRuntime().halt(0);
        }, "ledger-server-shutdown"));
        try {
            if (bootstrap == null) {
                DevKafkaLauncher.DevKafka dev = DevKafkaLauncher.start(options.devDataDir());
                devKafka.set(dev.cluster());
                log.warn("DEVELOPMENT MODE: embedded Kafka at {} with data in {} (pass --bootstrap-servers for production)",
                        dev.bootstrapServers(), options.devDataDir().toAbsolutePath());
                config = config.toBuilder().bootstrapServers(dev.bootstrapServers()).developmentMode(true).build();
            }
            server.set(LedgerServer.start(config));
            if (bootstrap == null && options.devCore()) {
                devCore.set(DevCore.start(config));
            }
        } catch (IllegalStateException e) {
            log.error("startup failed: {}", e.getMessage());
            Runtime.getRuntime().halt(1);
            return 1;
        }
        new CountDownLatch(1).await();
        return 0;
    }

    private static void closeQuietly(AutoCloseable c, String what) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("{} did not stop cleanly: {}", what, e.toString());
            }
        }
    }
}
