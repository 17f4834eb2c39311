package dev.ledger.stress.verify;

import dev.ledger.proto.MutationEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an acked log against what the topic holds: every acknowledged id present (lost = 0), duplicates
 * counted, and per-(key, lane) order: events of one key sent in order on one connection must be stored in
 * that order. Feed it with {@link TopicScanner} (it is a {@link TopicScanner.Listener}), then call
 * {@link #report}. Not thread-safe.
 */
public final class Verifier implements TopicScanner.Listener {

    /** Where an event id was first seen, and how often. */
    private static final class Seen {
        final int partition;
        final long offset;
        final boolean snapshot;
        int copies;

        Seen(int partition, long offset, boolean snapshot) {
            this.partition = partition;
            this.offset = offset;
            this.snapshot = snapshot;
        }
    }

    private final Map<String, Seen> seen = new HashMap<>();
    private long scanned;
    private long unparsable;

    @Override
    public void onRecord(int partition, long offset, String key, MutationEvent event) {
        scanned++;
        if (event == null) {
            unparsable++;
            return;
        }
        Seen s = seen.get(event.getEventId());
        if (s == null) {
            s = new Seen(partition, offset, event.hasSnapshot());
            seen.put(event.getEventId(), s);
        } else if (!s.snapshot && (partition < s.partition || partition == s.partition && offset < s.offset)) {
            // Partitions interleave during a scan: keep the earliest copy as the one that counts for order.
            Seen earlier = new Seen(partition, offset, false);
            earlier.copies = s.copies;
            seen.put(event.getEventId(), earlier);
            s = earlier;
        }
        s.copies++;
    }

    /**
     * Scans the topic and checks the acked entries against it; extra listeners (e.g. a {@link LedgerReplay})
     * see the same records.
     */
    public static VerifyReport verifyTopic(String bootstrapServers, String topic, List<AckedEntry> acked,
            java.time.Duration timeout, TopicScanner.Listener... extra) {
        return verifyTopic(new TopicScanner(bootstrapServers, topic, timeout), topic, acked, extra);
    }

    /** {@link #verifyTopic(String, String, List, java.time.Duration, TopicScanner.Listener...)} with a given scanner. */
    public static VerifyReport verifyTopic(TopicScanner scanner, String topic, List<AckedEntry> acked,
            TopicScanner.Listener... extra) {
        Verifier verifier = new Verifier();
        int partitions = scanner.scan((p, o, k, e) -> {
            verifier.onRecord(p, o, k, e);
            for (TopicScanner.Listener l : extra) {
                l.onRecord(p, o, k, e);
            }
        });
        return verifier.report(topic, partitions, acked);
    }

    /** Compares the acked entries with everything scanned so far. */
    public VerifyReport report(String topic, int partitions, List<AckedEntry> acked) {
        long found = 0;
        List<String> lostSample = new ArrayList<>();
        Map<String, List<AckedEntry>> groups = new HashMap<>();
        for (AckedEntry e : acked) {
            if (seen.containsKey(e.eventId())) {
                found++;
            } else if (lostSample.size() < 10) {
                lostSample.add(e.eventId());
            }
            if (!e.key().isEmpty()) {
                groups.computeIfAbsent(e.key() + '\u0000' + e.lane(), k -> new ArrayList<>()).add(e);
            }
        }
        long duplicates = 0;
        for (Seen s : seen.values()) {
            if (!s.snapshot && s.copies > 1) {
                duplicates += s.copies - 1;
            }
        }
        long violations = 0;
        for (List<AckedEntry> group : groups.values()) {
            violations += orderViolations(group);
        }
        return new VerifyReport(topic, partitions, scanned, unparsable, acked.size(), found, acked.size() - found,
                lostSample, duplicates, groups.size(), violations);
    }

    /** Walks a group in send order; an event stored at or before the previous one's offset is a violation. */
    private long orderViolations(List<AckedEntry> group) {
        group.sort(Comparator.comparingLong(AckedEntry::seq));
        long violations = 0;
        Seen previous = null;
        for (AckedEntry e : group) {
            Seen s = seen.get(e.eventId());
            if (s == null) {
                continue;
            }
            if (previous != null && (s.partition != previous.partition || s.offset <= previous.offset)) {
                violations++;
            }
            previous = s;
        }
        return violations;
    }
}
