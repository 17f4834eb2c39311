package dev.ledger.stress.verify;

/**
 * One acknowledged event as the driver logged it, the input of {@link Verifier}.
 *
 * @param eventId the event's id
 * @param key its Kafka key (the account it is keyed by; empty for a snapshot)
 * @param partition partition from the ACCEPTED receipt
 * @param offset offset from the ACCEPTED receipt
 * @param lane which connection sent it; events of one key on one lane were sent in order
 * @param seq per-(key, lane) send sequence, starting at 0
 */
public record AckedEntry(String eventId, String key, int partition, long offset, int lane, long seq) {

    static final String HEADER = "# event_id\tkey\tpartition\toffset\tlane\tseq";

    /** One tab-separated line, without the newline. */
    String toLine() {
        return eventId + '\t' + key + '\t' + partition + '\t' + offset + '\t' + lane + '\t' + seq;
    }

    /** Parses a line written by {@link #toLine()}. */
    static AckedEntry parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 6) {
            throw new IllegalArgumentException("acked log line has " + f.length + " fields, expected 6: " + line);
        }
        return new AckedEntry(f[0], f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Integer.parseInt(f[4]),
                Long.parseLong(f[5]));
    }
}
