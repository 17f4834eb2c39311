package dev.ledger.stress.verify;

import java.util.List;

/**
 * What {@link Verifier} found. Immutable. The run passes when nothing acknowledged was lost and no in-order
 * key was reordered; duplicates are reported (the SDK retries with the same event id, so at-least-once
 * delivery can store an event twice) but do not fail it.
 *
 * @param topic the topic read
 * @param partitions its partition count
 * @param recordsScanned records read up to the end offsets captured at the start
 * @param unparsable records whose value is not a MutationEvent
 * @param acked entries in the acked log
 * @param found acked ids present in the topic
 * @param lost acked ids absent from the topic: must be 0
 * @param lostSample up to 10 lost ids
 * @param duplicates extra copies of non-snapshot events (a snapshot is written once per partition by design)
 * @param orderedGroups (key, lane) groups whose order was checked
 * @param orderViolations events stored before an event of the same key and lane sent earlier
 */
public record VerifyReport(String topic, int partitions, long recordsScanned, long unparsable, long acked,
        long found, long lost, List<String> lostSample, long duplicates, long orderedGroups, long orderViolations) {

    public VerifyReport {
        lostSample = List.copyOf(lostSample);
    }

    /** True when nothing acknowledged was lost and per-key order held. */
    public boolean passed() {
        return lost == 0 && orderViolations == 0;
    }

    /** A multi-line human-readable summary ending with PASS or FAIL. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("== verify %s (%d partitions) ==%n", topic, partitions));
        sb.append(String.format("records scanned   %d (unparsable %d)%n", recordsScanned, unparsable));
        sb.append(String.format("acked             %d%n", acked));
        sb.append(String.format("found             %d%n", found));
        sb.append(String.format("lost              %d%s%n", lost, lost == 0 ? "" : " e.g. " + lostSample));
        sb.append(String.format("duplicates        %d%n", duplicates));
        sb.append(String.format("order checked     %d key/lane groups, %d violations%n", orderedGroups,
                orderViolations));
        sb.append(passed() ? "PASS" : "FAIL").append(System.lineSeparator());
        return sb.toString();
    }
}
