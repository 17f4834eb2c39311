package dev.ledger.testkit;

import dev.ledger.devkafka.EmbeddedKafka;

/**
 * {@link KafkaMode#EMBEDDED}: one combined KRaft controller and broker in this JVM ({@link EmbeddedKafka}, on Kafka's
 * own test kit), data in a temporary directory. {@link #stop()} shuts the broker down while the controller stays,
 * {@link #start()} brings it back on the same port. Not thread-safe.
 */
final class EmbeddedKafkaBackend implements KafkaBackend {

    private final EmbeddedKafka kafka;
    private boolean running = true;

    private EmbeddedKafkaBackend(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    static EmbeddedKafkaBackend launch() {
        return new EmbeddedKafkaBackend(EmbeddedKafka.startSingleNode());
    }

    @Override
    public KafkaMode mode() {
        return KafkaMode.EMBEDDED;
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void stop() {
        if (running) {
            kafka.stopAllBrokers();
            running = false;
        }
    }

    @Override
    public void start() {
        if (!running) {
            kafka.startAllBrokers();
            running = true;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        kafka.close();
    }
}
