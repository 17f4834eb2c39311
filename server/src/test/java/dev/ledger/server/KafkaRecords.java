package dev.ledger.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads records back from Kafka in tests. */
final class KafkaRecords {

    private KafkaRecords() {
    }

    /** The record at one partition and offset. */
    static ConsumerRecord<byte[], byte[]> at(String bootstrap, String topic, int partition, long offset) {
        List<ConsumerRecord<byte[], byte[]>> records = range(bootstrap, topic, partition, offset, offset + 1);
        if (records.isEmpty()) {
            throw new AssertionError("no record at " + topic + "-" + partition + "@" + offset);
        }
        return records.get(0);
    }

    /** Records of one partition with offsets in [from, to). */
    static List<ConsumerRecord<byte[], byte[]>> range(String bootstrap, String topic, int partition, long from, long to) {
        return range(bootstrap, java.util.Map.of(), topic, partition, from, to);
    }

    /** {@link #range} with client settings such as SASL. */
    static List<ConsumerRecord<byte[], byte[]>> range(String bootstrap, java.util.Map<String, String> settings,
            String topic, int partition, long from, long to) {
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (to <= from) {
            return out;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && (out.isEmpty() || out.get(out.size() - 1).offset() < to - 1)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < to) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** End offsets (next offset to be written) of every partition 0..n-1. */
    static long[] endOffsets(String bootstrap, String topic, int partitions) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            var ends = consumer.endOffsets(tps, Duration.ofSeconds(20));
            long[] result = new long[partitions];
            for (int i = 0; i < partitions; i++) {
                result[i] = ends.get(tps.get(i));
            }
            return result;
        }
    }
}
