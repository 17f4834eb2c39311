package dev.ledger.testkit;

import dev.ledger.client.LedgerClient;
import dev.ledger.client.LedgerClientBuilder;

/**
 * A running ledger for a test: Kafka, the ingest server on a loopback port, and (unless left out) the ledger core.
 * Injected as a test parameter by {@link LedgerExtension}, or used through the extension itself
 * ({@code @RegisterExtension static LedgerExtension ledger}), which implements this interface.
 *
 * <p>The fault helpers block until the fault is in place (or healed) and leave the clients alone: the SDK reconnects
 * and retries by itself, which is what a user's resilience test wants to see. Before each test the extension heals
 * what an earlier test left broken (Kafka stopped, server down).
 *
 * <p>Thread-safe: the methods synchronize on the ledger; tests of one ledger should still not run in parallel with
 * a test that injects faults.
 */
public interface Ledger {

    /** A ready SDK client connected to {@link #endpoint()}, shared by the tests of this ledger; do not close it. */
    LedgerClient client();

    /** A builder for another client of this ledger, endpoint and name set; the caller closes what it builds. */
    LedgerClientBuilder clientBuilder();

    /** The server's endpoint, {@code 127.0.0.1:<port>}; the same across restarts and resets. */
    String endpoint();

    /** Kafka's bootstrap servers. */
    String bootstrapServers();

    /** The topic the server writes mutations to (changes on {@link #reset()}). */
    String mutationsTopic();

    /** The core's decision journal (changes on {@link #reset()}). */
    String decisionsTopic();

    /** A reader of what the mutations topic and the decision journal hold now. */
    LedgerRecords records();

    /** Which Kafka back-end runs. */
    KafkaMode kafkaMode();

    /**
     * Moves the server and the core to fresh topics: the next test sees an empty ledger (no accounts, no events).
     * The endpoint and the shared client stay; costs about a second (server and core restart).
     */
    void reset();

    /** Takes the Kafka broker down; the server then answers UNAVAILABLE and the SDK retries. Blocking. */
    void stopKafka();

    /** Brings the broker back on the same address; blocking until it is ready. */
    void startKafka();

    /**
     * Stops the server gracefully (GoAway, in-flight events answered) and starts it again on the same port.
     * If the server is down (after {@link #killServer()}), just starts it.
     */
    void restartServer();

    /**
     * Crashes the server: SIGKILL of its process, no GoAway, connections reset. Only for a ledger whose server
     * runs in a child JVM ({@link ServerMode#CHILD_JVM}); the server stays down until {@link #startServer()} or
     * {@link #restartServer()} (or the next test).
     *
     * @throws IllegalStateException when the server runs in the test JVM (the message says how to change it)
     */
    void killServer();

    /** Starts the server after {@link #killServer()}; no-op when it runs. */
    void startServer();
}
