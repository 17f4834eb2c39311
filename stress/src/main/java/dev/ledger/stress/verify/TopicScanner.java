package dev.ledger.stress.verify;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.MutationEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic back from the beginning of every partition to the end offsets captured when the scan starts
 * (records written later are not waited for), parses each value as a {@link MutationEvent} and hands it to a
 * {@link Listener}. Uses manual assignment: no consumer group, no committed offsets. Not thread-safe.
 */
public final class TopicScanner {

    /** Receives every record in each partition's offset order; partitions interleave. */
    public interface Listener {
        /** @param event the parsed value, or {@code null} if it was not a MutationEvent */
        void onRecord(int partition, long offset, String key, MutationEvent event);

        /**
         * The whole record (headers included) with its parsed value, or {@code null} if it was not a MutationEvent.
         * By default passes partition, offset and UTF-8 key on to {@link #onRecord(int, long, String, MutationEvent)}.
         */
        default void onRecord(ConsumerRecord<byte[], byte[]> record, MutationEvent event) {
            String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
            onRecord(record.partition(), record.offset(), key, event);
        }
    }

    private final String bootstrapServers;
    private final String topic;
    private final Duration timeout;
    private final boolean readCommitted;
    private final java.util.Map<String, String> settings;

    public TopicScanner(String bootstrapServers, String topic, Duration timeout) {
        this(bootstrapServers, topic, timeout, false, java.util.Map.of());
    }

    private TopicScanner(String bootstrapServers, String topic, Duration timeout, boolean readCommitted,
            java.util.Map<String, String> settings) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.timeout = timeout;
        this.readCommitted = readCommitted;
        this.settings = java.util.Map.copyOf(settings);
    }

    /** The same scan with extra consumer settings, e.g. SASL/SSL from {@code verify --kafka-config}. */
    public TopicScanner withSettings(java.util.Map<String, String> extra) {
        return new TopicScanner(bootstrapServers, topic, timeout, readCommitted, extra);
    }

    /**
     * The same scan with isolation {@code read_committed}: only records of committed transactions, up to the last
     * stable offset (the decision journal is written in transactions).
     */
    public TopicScanner readCommitted() {
        return new TopicScanner(bootstrapServers, topic, timeout, true, settings);
    }

    /** Scans the topic; returns the number of partitions. Throws if the end offsets are not reached in time. */
    public int scan(Listener listener) {
        return scanRecords(r -> listener.onRecord(r, parse(r.value())));
    }

    /** Scans the topic handing over raw records; returns the number of partitions. */
    public int scanRecords(java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ledger-stress-verify");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist at " + bootstrapServers);
            }
            List<TopicPartition> parts = new ArrayList<>();
            infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, timeout));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + topic + " to its end offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Long stop = end.get(new TopicPartition(r.topic(), r.partition()));
                    if (stop != null && r.offset() < stop) {
                        sink.accept(r);
                    }
                }
            }
            return parts.size();
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static MutationEvent parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return MutationEvent.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
