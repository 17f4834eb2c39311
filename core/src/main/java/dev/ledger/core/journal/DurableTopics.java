package dev.ledger.core.journal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What a topic needs so that a record acknowledged with {@code acks=all} survives the loss of a broker, stated once
 * for every topic the project creates (the server's mutations topic, the core's journal, snapshots and lease):
 * {@link #REPLICATION_FACTOR} replicas, {@code min.insync.replicas} = {@link #MIN_INSYNC_REPLICAS} (the broker
 * default of 1 lets {@code acks=all} acknowledge a record only the leader holds), and no unclean leader election
 * whatever the broker default. Thread-safe (stateless).
 */
public final class DurableTopics {

    public static final int REPLICATION_FACTOR = 3;
    public static final int MIN_INSYNC_REPLICAS = 2;

    private DurableTopics() {
    }

    /** The settings to create a topic with: min ISR 2 from 3 replicas on, unclean leader election off always. */
    public static Map<String, String> creationConfigs(int replicationFactor) {
        Map<String, String> configs = new LinkedHashMap<>();
        if (replicationFactor >= REPLICATION_FACTOR) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(MIN_INSYNC_REPLICAS));
        }
        configs.put(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false");
        return configs;
    }
}
