package dev.ledger.testkit.support;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic back for assertions: the mutations the server wrote (values are the events' bytes as sent) or the
 * core's decision journal (transactional, so read {@code read_committed}). The one topic reader of the tests;
 * every call opens and closes its own consumer (no group, no commits) and is bounded by a timeout.
 *
 * <p>Stateless and thread-safe.
 */
public final class TopicRecords {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private TopicRecords() {
    }

    /**
     * Every record of every partition of {@code topic}, from the beginning up to the end offsets seen at the
     * start, in partition then offset order. A topic that does not exist reads as empty.
     *
     * @param readCommitted read as {@code read_committed} (for transactional topics such as the journal): records
     *     of open or aborted transactions are left out, and the end is the last stable offset
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, boolean readCommitted,
            Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, readCommitted)) {
            List<TopicPartition> parts = partitions(consumer, topic, timeout);
            if (parts.isEmpty()) {
                return out;
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp, timeout) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " not read to its end offsets " + ends + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                        out.add(r);
                    }
                }
            }
        }
        out.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    /** Every mutation event in {@code topic}, parsed, in partition then offset order. */
    public static List<MutationEvent> mutations(String bootstrap, String topic) {
        List<MutationEvent> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, topic, false, DEFAULT_TIMEOUT)) {
            try {
                out.add(MutationEvent.parseFrom(r.value()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("record " + topic + "-" + r.partition() + "@" + r.offset()
                        + " is not a MutationEvent", e);
            }
        }
        return out;
    }

    /** Every committed decision of a core's journal, in sequence order. */
    public static List<Decision> decisions(String bootstrap, String journalTopic) {
        List<Decision> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, journalTopic, true, DEFAULT_TIMEOUT)) {
            try {
                out.add(Decision.parseFrom(r.value()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("journal record " + r.partition() + "@" + r.offset()
                        + " does not parse", e);
            }
        }
        out.sort(Comparator.comparingLong(Decision::getSequence));
        return out;
    }

    /** Number of records in a topic: the sum of its end offsets (exact for a topic that is not transactional). */
    public static long count(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, false)) {
            List<TopicPartition> parts = partitions(consumer, topic, DEFAULT_TIMEOUT);
            return consumer.endOffsets(parts, DEFAULT_TIMEOUT).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The record at one partition and offset; throws if it is not there within 20 s. */
    public static ConsumerRecord<byte[], byte[]> at(String bootstrap, String topic, int partition, long offset) {
        List<ConsumerRecord<byte[], byte[]>> records = range(bootstrap, topic, partition, offset, offset + 1);
        if (records.isEmpty()) {
            throw new AssertionError("no record at " + topic + "-" + partition + "@" + offset);
        }
        return records.get(0);
    }

    /** Records of one partition with offsets in [from, to), as many as arrive within 20 s. */
    public static List<ConsumerRecord<byte[], byte[]>> range(String bootstrap, String topic, int partition, long from,
            long to) {
        return range(bootstrap, Map.of(), topic, partition, from, to);
    }

    /** {@link #range(String, String, int, long, long)} with client settings, such as SASL. */
    public static List<ConsumerRecord<byte[], byte[]>> range(String bootstrap, Map<String, String> settings,
            String topic, int partition, long from, long to) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (to <= from) {
            return out;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, false, settings)) {
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

    /** End offsets (next offset to be written) of partitions 0..n-1. */
    public static long[] endOffsets(String bootstrap, String topic, int partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, false)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(20));
            long[] result = new long[partitions];
            for (int i = 0; i < partitions; i++) {
                result[i] = ends.get(tps.get(i));
            }
            return result;
        }
    }

    /**
     * Reads {@code topic} from the beginning until every id in {@code wanted} was seen or {@code timeout} passed;
     * returns the event ids seen (the caller asserts that they contain {@code wanted}).
     */
    public static Set<String> eventIdsIn(String bootstrap, String topic, Collection<String> wanted, Duration timeout) {
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, false)) {
            List<TopicPartition> parts = partitions(consumer, topic, timeout);
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!seen.containsAll(wanted) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        seen.add(MutationEvent.parseFrom(record.value()).getEventId());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("record " + record.partition() + "@" + record.offset()
                                + " of " + topic + " is not a MutationEvent", e);
                    }
                }
            }
        }
        return seen;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic,
            Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        List<TopicPartition> parts = new ArrayList<>();
        if (infos != null) {
            infos.forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        }
        return parts;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, boolean readCommitted) {
        return consumer(bootstrap, readCommitted, Map.of());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, boolean readCommitted,
            Map<String, String> settings) {
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
