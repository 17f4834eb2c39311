package dev.ledger.testkit;

import java.util.function.BooleanSupplier;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link KafkaMode#TESTCONTAINERS}: one {@code apache/kafka} container (KRaft, single node) through Testcontainers.
 * {@link #stop()} pauses the container and {@link #start()} unpauses it: the mapped port and the data stay, and to
 * the server and the core the broker is unreachable meanwhile (requests time out rather than being refused, the
 * difference from the embedded back-end). Not thread-safe.
 */
final class TestcontainersKafkaBackend implements KafkaBackend {

    private final KafkaContainer container;
    private boolean running = true;

    private TestcontainersKafkaBackend(KafkaContainer container) {
        this.container = container;
    }

    /**
     * Starts the container, after checking that Docker is there.
     *
     * @param dockerAvailable the check ({@link Docker#isAvailable()}; a seam for the test of the failure message)
     * @throws IllegalStateException without Docker, with {@link #dockerMissingMessage(String)}
     */
    static TestcontainersKafkaBackend launch(String image, BooleanSupplier dockerAvailable) {
        if (!dockerAvailable.getAsBoolean()) {
            throw new IllegalStateException(dockerMissingMessage(image));
        }
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image))
                // One broker: internal topics and transactions (the core's journal) must fit on it.
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new IllegalStateException("ledger-testkit: the Testcontainers Kafka back-end (" + image
                    + ") did not start: " + e.getMessage(), e);
        }
        return new TestcontainersKafkaBackend(container);
    }

    /** What a test reads when Testcontainers was asked for and no Docker engine answers. */
    static String dockerMissingMessage(String image) {
        return "ledger-testkit: the Testcontainers Kafka back-end (" + image + ") was requested, but no Docker "
                + "engine is reachable (Testcontainers found none). Use the embedded back-end, which needs no Docker: "
                + "drop -D" + KafkaMode.PROPERTY + "=testcontainers (or set it to embedded), or build the extension "
                + "with .kafka(KafkaMode.EMBEDDED). The kit never switches back-ends by itself.";
    }

    @Override
    public KafkaMode mode() {
        return KafkaMode.TESTCONTAINERS;
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void stop() {
        if (running) {
            container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
            running = false;
        }
    }

    @Override
    public void start() {
        if (!running) {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
            running = true;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        container.close();
    }
}
