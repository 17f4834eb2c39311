package dev.ledger.faults;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.MutationEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic back with a plain {@link KafkaConsumer} and compares it with the ids the SDK reported
 * ACCEPTED: the end-to-end check every fault scenario finishes with. A missing id is a lost event (the server
 * said ACCEPTED but Kafka does not have it); an id seen twice is a duplicate (allowed by the protocol, since a
 * retry reuses the id, but counted and reported).
 *
 * <p>Stateless; each call opens and closes its own consumer.
 */
final class TopicVerifier {

    private TopicVerifier() {
    }

    /** What the topic holds: how many times each event id occurs. */
    record TopicContents(Map<String, Integer> countsById, Map<String, Long> recordsByServerId, long records,
            long unparsable) {

        long duplicates() {
            return countsById.values().stream().filter(c -> c > 1).count();
        }

        boolean contains(String eventId) {
            return countsById.containsKey(eventId);
        }
    }

    /** The outcome of comparing accepted ids with the topic. */
    record Verification(Set<String> missing, long duplicates, long records, Map<String, Long> recordsByServerId) {

        long lost() {
            return missing.size();
        }
    }

    static Verification verify(String bootstrapServers, String topic, Collection<String> acceptedIds,
            Duration timeout) {
        TopicContents contents = readAll(bootstrapServers, topic, timeout);
        Set<String> missing = acceptedIds.stream()
                .filter(id -> !contents.contains(id))
                .collect(Collectors.toCollection(TreeSet::new));
        return new Verification(missing, contents.duplicates(), contents.records(), contents.recordsByServerId());
    }

    /** Reads every partition of {@code topic} from the beginning up to the end offsets seen at the start. */
    static TopicContents readAll(String bootstrapServers, String topic, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<String, Integer> counts = new HashMap<>();
            Map<String, Long> byServer = new HashMap<>();
            long records = 0;
            long unparsable = 0;
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end
                            + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    Header serverId = r.headers().lastHeader("server-id");
                    byServer.merge(serverId == null ? "?" : new String(serverId.value(), StandardCharsets.UTF_8),
                            1L, Long::sum);
                    try {
                        counts.merge(MutationEvent.parseFrom(r.value()).getEventId(), 1, Integer::sum);
                    } catch (InvalidProtocolBufferException e) {
                        unparsable++;
                    }
                }
            }
            return new TopicContents(counts, byServer, records, unparsable);
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(10)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
