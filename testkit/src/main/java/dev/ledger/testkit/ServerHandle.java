package dev.ledger.testkit;

/**
 * The ingest server of one ledger, in this JVM or in a child JVM. The port is chosen on the first start and kept
 * for every restart, so clients reconnect to the same endpoint. Not thread-safe; owned by one ledger.
 */
interface ServerHandle extends AutoCloseable {

    /** Starts the server on the mutations and decisions topics of {@code topics}; returns once it accepts connections. */
    void start(Topics topics);

    /** Graceful stop: GoAway to every connection, in-flight events answered, then down. No-op when down. */
    void stop();

    /** A real crash: SIGKILL of the server's process. */
    void kill();

    boolean isRunning();

    /** The loopback port, fixed after the first start. */
    int port();

    @Override
    void close();
}
