package dev.ledger.core;

import dev.ledger.core.admin.AdminServer;
import dev.ledger.core.admin.CoreMetrics;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.core.journal.CoreLoop;
import dev.ledger.core.journal.CoreTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ledger core: its topics, its loop thread and its admin port. Only starts and stops; the logic is in
 * {@link CoreLoop} and the rules in {@link dev.ledger.core.rules.Ledger}. Used by {@link CoreMain}, by the server's
 * development mode (in-process) and by tests. Thread-safe.
 */
public final class CoreNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoreNode.class);

    private final CoreConfig config;
    private final CoreLoop loop;
    private final Thread thread;
    private final AdminServer admin;

    private CoreNode(CoreConfig config, CoreLoop loop, Thread thread, AdminServer admin) {
        this.config = config;
        this.loop = loop;
        this.thread = thread;
        this.admin = admin;
    }

    /** Creates missing topics (blocking, up to 30 s), starts the loop and the admin port. */
    public static CoreNode start(CoreConfig config) {
        CoreTopics.ensure(config, Duration.ofSeconds(30));
        CoreMetrics metrics = new CoreMetrics();
        CoreLoop loop = new CoreLoop(config, metrics);
        AdminServer admin = null;
        if (config.adminPort() >= 0) {
            try {
                admin = AdminServer.start(config.adminBindAddress(), config.adminPort(), loop, metrics);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the admin port " + config.adminBindAddress() + ":"
                        + config.adminPort(), e);
            }
        }
        Thread thread = new Thread(loop, "ledger-core-loop");
        thread.start();
        log.info("ledger core {} started: {}{}", config.coreId(), config.describe(),
                admin == null ? "" : " adminPort=" + admin.port());
        return new CoreNode(config, loop, thread, admin);
    }

    public CoreConfig config() {
        return config;
    }

    /** The state as the admin port sees it. */
    public CoreLoop loop() {
        return loop;
    }

    /** The admin port actually bound, or -1 when off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** Waits until the core's loop has ended: after {@link #close()}, or if it failed for good. */
    public void join() throws InterruptedException {
        thread.join();
    }

    /** Stops the loop (leaving the lease group so a standby takes over at once), then the admin port. */
    @Override
    public void close() {
        loop.stop();
        try {
            thread.join(Duration.ofSeconds(20).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close();
        }
    }
}
