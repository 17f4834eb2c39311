package dev.ledger.faults;

import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.proto.MutationEvent;
import dev.ledger.stress.verify.TopicScanner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Reads a whole topic back (with the {@link TopicScanner} of the {@code verify} command) and compares it with the
 * ids the SDK reported ACCEPTED: the end-to-end check every fault scenario finishes with. A missing id is a lost event (the server
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
        return compare(readAll(bootstrapServers, topic, timeout), acceptedIds);
    }

    /** Compares a topic already read with the ids the SDK reported ACCEPTED. */
    static Verification compare(TopicContents contents, Collection<String> acceptedIds) {
        Set<String> missing = acceptedIds.stream()
                .filter(id -> !contents.contains(id))
                .collect(Collectors.toCollection(TreeSet::new));
        return new Verification(missing, contents.duplicates(), contents.records(), contents.recordsByServerId());
    }

    /**
     * Reads every partition of {@code topic} from the beginning up to the end offsets seen at the start, with the
     * same scanner the {@code verify} command uses.
     */
    static TopicContents readAll(String bootstrapServers, String topic, Duration timeout) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Long> byServer = new HashMap<>();
        long[] recordsAndUnparsable = new long[2];
        new TopicScanner(bootstrapServers, topic, timeout).scan(new TopicScanner.Listener() {
            @Override
            public void onRecord(ConsumerRecord<byte[], byte[]> record, MutationEvent event) {
                recordsAndUnparsable[0]++;
                Header serverId = record.headers().lastHeader(MutationHeaders.SERVER_ID);
                byServer.merge(serverId == null ? "?" : new String(serverId.value(), StandardCharsets.UTF_8),
                        1L, Long::sum);
                if (event == null) {
                    recordsAndUnparsable[1]++;
                } else {
                    counts.merge(event.getEventId(), 1, Integer::sum);
                }
            }

            @Override
            public void onRecord(int partition, long offset, String key, MutationEvent event) {
                // Not called: the scanner calls the record-level callback above, which this listener overrides.
            }
        });
        return new TopicContents(counts, byServer, recordsAndUnparsable[0], recordsAndUnparsable[1]);
    }
}
