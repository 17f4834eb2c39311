package dev.ledger.testkit;

import dev.ledger.client.LedgerClient;
import dev.ledger.client.LedgerClientBuilder;
import dev.ledger.core.CoreNode;
import dev.ledger.core.config.CoreConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ledger the kit started: a Kafka back-end, a server and (optionally) a core in this JVM, and the shared SDK
 * client. Started by {@link LedgerExtension}, stored in JUnit's store for the class or the run, and closed by it.
 * Thread-safe: every operation synchronizes on this object.
 */
final class RunningLedger implements Ledger, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunningLedger.class);

    private final LedgerSettings settings;
    private final KafkaBackend kafka;
    private final ServerHandle server;
    private final LedgerRecords records;
    private volatile Topics topics = new Topics(0);
    private CoreNode core;
    private LedgerClient client;
    private boolean servedATest;

    private RunningLedger(LedgerSettings settings, KafkaBackend kafka) {
        this.settings = settings;
        this.kafka = kafka;
        this.server = settings.server() == ServerMode.CHILD_JVM
                ? new ChildJvmServer(kafka.bootstrapServers()) : new InProcessServer(kafka.bootstrapServers());
        this.records = new LedgerRecords(kafka.bootstrapServers(), () -> topics, settings.core());
    }

    /** Starts Kafka, then the server and the core side by side, then the client; blocking. */
    static RunningLedger start(LedgerSettings settings) {
        long startNanos = System.nanoTime();
        KafkaBackend kafka = KafkaBackend.start(settings.kafka(), settings.kafkaImage());
        long kafkaNanos = System.nanoTime() - startNanos;
        RunningLedger ledger = new RunningLedger(settings, kafka);
        try {
            ledger.startServerAndCore();
            ledger.client = ledger.clientBuilder().build();
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
        log.info("ledger-testkit: ledger up in {} ms, {} ms of them for Kafka (kafka {} at {}, server {} at {}, core {})",
                (System.nanoTime() - startNanos) / 1_000_000, kafkaNanos / 1_000_000, settings.kafka(), kafka.bootstrapServers(),
                settings.server(), ledger.endpoint(), settings.core() ? "on" : "off");
        return ledger;
    }

    private void startServerAndCore() {
        Topics t = topics;
        // The core waits for the server's topic by itself, so both start at once: it saves a second.
        CompletableFuture<CoreNode> coreStart = settings.core()
                ? CompletableFuture.supplyAsync(() -> CoreNode.start(coreConfig(t)), RunningLedger::startThread)
                : CompletableFuture.completedFuture(null);
        try {
            server.start(t);
        } finally {
            try {
                core = coreStart.join();
            } catch (CompletionException e) {
                throw new IllegalStateException("the ledger core did not start: " + e.getCause(), e.getCause());
            }
        }
    }

    private static void startThread(Runnable r) {
        Thread t = new Thread(r, "ledger-testkit-core-start");
        t.setDaemon(true);
        t.start();
    }

    private CoreConfig coreConfig(Topics t) {
        return CoreConfig.builder().bootstrapServers(kafka.bootstrapServers()).mutationsTopic(t.mutations())
                .decisionsTopic(t.decisions()).snapshotsTopic(t.snapshots()).leaseTopic(t.lease())
                .groupId(t.coreGroup()).transactionalId(t.coreGroup()).coreId("ledger-testkit-core")
                .adminBindAddress("127.0.0.1").adminPort(0).build();
    }

    /** Before each test: heal what an earlier test broke, and reset if asked to. */
    synchronized void beforeTest() {
        startKafka();
        startServer();
        if (settings.resetEachTest() && servedATest) {
            reset();
        }
        servedATest = true;
    }

    @Override
    public synchronized LedgerClient client() {
        return client;
    }

    @Override
    public LedgerClientBuilder clientBuilder() {
        return LedgerClient.builder().endpoints(endpoint()).clientName("ledger-testkit");
    }

    @Override
    public String endpoint() {
        return "127.0.0.1:" + server.port();
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String mutationsTopic() {
        return topics.mutations();
    }

    @Override
    public String decisionsTopic() {
        return topics.decisions();
    }

    @Override
    public LedgerRecords records() {
        return records;
    }

    @Override
    public KafkaMode kafkaMode() {
        return kafka.mode();
    }

    @Override
    public synchronized void reset() {
        startKafka();
        server.stop();
        closeCore();
        topics = topics.next();
        startServerAndCore();
    }

    @Override
    public synchronized void stopKafka() {
        kafka.stop();
    }

    @Override
    public synchronized void startKafka() {
        kafka.start();
    }

    @Override
    public synchronized void restartServer() {
        server.stop();
        server.start(topics);
    }

    @Override
    public synchronized void killServer() {
        server.kill();
    }

    @Override
    public synchronized void startServer() {
        if (!server.isRunning()) {
            server.start(topics);
        }
    }

    LedgerSettings settings() {
        return settings;
    }

    private void closeCore() {
        if (core != null) {
            core.close();
            core = null;
        }
    }

    /** Client, server, core, then Kafka; each step runs even if an earlier one failed. */
    @Override
    public synchronized void close() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            try {
                server.close();
            } finally {
                try {
                    kafka.start(); // a core stopping against a stopped broker would wait for it
                    closeCore();
                } finally {
                    kafka.close();
                }
            }
        }
    }
}
