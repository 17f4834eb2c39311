package dev.ledger.testkit;

/**
 * A Kafka cluster the kit started and owns: one broker, with a bootstrap address that stays the same across
 * {@link #stop()} and {@link #start()}, so the server and the core reconnect by themselves.
 *
 * <p>Implementations: the embedded KRaft broker ({@link KafkaMode#EMBEDDED}) and Testcontainers' {@code apache/kafka}
 * ({@link KafkaMode#TESTCONTAINERS}). Not thread-safe for concurrent stop/start; owned by one ledger.
 */
public interface KafkaBackend extends AutoCloseable {

    KafkaMode mode();

    /** {@code host:port} of the broker, valid for the backend's whole life. */
    String bootstrapServers();

    /** Takes the broker down (clients see it unreachable) until {@link #start()}; blocking. */
    void stop();

    /** Brings a stopped broker back on the same address and waits until it is ready; blocking. */
    void start();

    /** False between {@link #stop()} and {@link #start()}. */
    boolean isRunning();

    /** Stops the broker for good and deletes its data. */
    @Override
    void close();

    /**
     * Starts a back-end of the given mode. Never falls back to another mode.
     *
     * @throws IllegalStateException for {@link KafkaMode#TESTCONTAINERS} without a Docker engine (the message
     *     suggests the embedded back-end), or when the broker does not start
     */
    static KafkaBackend start(KafkaMode mode, String testcontainersImage) {
        return switch (mode) {
            case EMBEDDED -> EmbeddedKafkaBackend.launch();
            case TESTCONTAINERS -> TestcontainersKafkaBackend.launch(testcontainersImage, Docker::isAvailable);
        };
    }
}
