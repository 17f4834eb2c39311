package dev.ledger.core.journal;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The decision journal's key rule, stated once for the core that writes it and the ingest servers that read it:
 * each decision is keyed by the {@link MutationHeaders#SERVER_ID} header of the mutation record it decides, so the
 * producer's default partitioner puts every decision about one server's events in one partition, and each server
 * reads only that partition ({@link #partitionFor}). Ids longer than {@link #MAX_SERVER_ID_BYTES} are not used as
 * keys (the server refuses such an id at startup). Stateless.
 */
public final class DecisionKeys {

    /** Longest server id used as a decision key, in UTF-8 bytes. */
    public static final int MAX_SERVER_ID_BYTES = 256;

    /** The key of decisions whose mutation carried no usable server id. */
    public static final byte[] NO_KEY = new byte[0];

    private DecisionKeys() {
    }

    /** The decision key for a mutation's server-id header value (null when the header is missing). */
    public static byte[] keyFor(byte[] serverIdHeader) {
        return serverIdHeader == null || serverIdHeader.length > MAX_SERVER_ID_BYTES ? NO_KEY : serverIdHeader;
    }

    /** The decision key of one server. */
    public static byte[] keyOf(String serverId) {
        return keyFor(serverId.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The partition of the decisions topic that holds the decisions keyed {@code key}: the Kafka producer's default
     * partitioner for a keyed record (murmur2 of the key, made positive, modulo the partition count).
     */
    public static int partitionFor(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
