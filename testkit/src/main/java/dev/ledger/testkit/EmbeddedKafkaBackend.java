package dev.ledger.testkit;

import dev.ledger.devkafka.EmbeddedKafka;
import java.util.Map;

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

    /**
     * Kafka's internal topics default to 50 partitions each; on a one-broker test cluster creating them is most of
     * the work behind the core's first consumer group and transaction. One partition each is plenty here.
     */
    private static final Map<String, String> BROKER_SETTINGS = Map.of(
            "offsets.topic.num.partitions", "1",
            "transaction.state.log.num.partitions", "1",
            // the broker is unfenced on a heartbeat after it caught up: every 2 s by default, 0.5 s here
            "broker.heartbeat.interval.ms", "500");

    static EmbeddedKafkaBackend launch() {
        return new EmbeddedKafkaBackend(EmbeddedKafka.start(1, null, BROKER_SETTINGS));
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
