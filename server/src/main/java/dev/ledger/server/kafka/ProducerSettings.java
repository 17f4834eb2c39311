package dev.ledger.server.kafka;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka producer settings of the server: durability first (acks=all, idempotence), throughput defaults, and
 * {@code max.block.ms=0} so that {@code send()} never waits on an event loop. User overrides win over every
 * default except the serializers. Thread-safe (stateless).
 */
public final class ProducerSettings {

    /** Default {@code buffer.memory}; the server's byte budget is {@link #BUDGET_PERCENT}% of the effective value. */
    public static final long DEFAULT_BUFFER_MEMORY_BYTES = 64L * 1024 * 1024;
    public static final int BUDGET_PERCENT = 75;

    private ProducerSettings() {
    }

    public static Properties build(String bootstrapServers, String serverId, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-server-" + serverId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Every event waits for its acknowledgement, so linger is latency: 1 ms halves p50 at moderate rates
        // compared with 5 ms, and under load batches fill anyway while earlier requests are in flight.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(DEFAULT_BUFFER_MEMORY_BYTES));
        // send() must never wait on an event loop: metadata is fetched at startup and the byte budget keeps the
        // buffer from filling, so a send that would have to wait fails at once (answered UNAVAILABLE) instead.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
        // Keep the topic's metadata even when no event arrives for a while, so the first send after a quiet
        // period does not find it evicted (which with max.block.ms=0 would fail that send).
        p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, Long.toString(24L * 60 * 60 * 1000));
        // Refresh metadata every minute (Kafka's default is 5): partitions added to the topic are seen, and
        // followed by keyed events and Snapshots, within about a minute.
        p.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, "60000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.putAll(overrides);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * The settings that say how to reach the cluster rather than how to produce: {@code security.protocol},
     * {@code sasl.*}, {@code ssl.*}, {@code client.dns.lookup}; what the server's admin client needs too.
     */
    public static java.util.Map<String, String> connectionSettings(java.util.Map<String, String> settings) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        settings.forEach((k, v) -> {
            if (k.equals("security.protocol") || k.startsWith("sasl.") || k.startsWith("ssl.")
                    || k.equals("client.dns.lookup")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The byte budget for events in flight to Kafka, derived from the effective {@code buffer.memory}. */
    public static long budgetBytes(Properties producerProperties) {
        long bufferMemory = Long.parseLong(producerProperties.getProperty(ProducerConfig.BUFFER_MEMORY_CONFIG).trim());
        return bufferMemory * BUDGET_PERCENT / 100;
    }
}
