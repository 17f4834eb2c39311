package dev.ledger.core.config;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;

/**
 * Every setting of the ledger core, immutable, validated once by {@link Builder#build()}.
 *
 * <p>Built by {@link dev.ledger.core.CoreMain} from flags and {@code LEDGER_CORE_*} environment variables, by the
 * server's development mode, or by tests through {@link #builder()}. Each default is named once, in {@link Defaults}.
 * Thread-safe (immutable).
 *
 * @param groupId consumer group of the mutations consumer; its offsets (committed with decisions, at most once a
 *     second) are for monitoring, the input position being in the journal; the lease group is
 *     {@code groupId + "-lease"}
 * @param transactionalId fixed for every core of one ledger, so that a new active fences the old one
 * @param adminPort HTTP port for queries, metrics and health; 0 = any free port, -1 = off
 */
public record CoreConfig(
        String bootstrapServers,
        String mutationsTopic,
        String decisionsTopic,
        String snapshotsTopic,
        String leaseTopic,
        int decisionsPartitions,
        int replicationFactor,
        long snapshotEvery,
        long transactionMaxMs,
        long transactionGapMs,
        int transactionMaxRecords,
        String adminBindAddress,
        int adminPort,
        String groupId,
        String transactionalId,
        int sessionTimeoutMs,
        String coreId) {

    /** The defaults, each named once. */
    public static final class Defaults {
        public static final String MUTATIONS_TOPIC = "ledger.mutations";
        public static final String DECISIONS_TOPIC = "ledger.decisions";
        public static final String SNAPSHOTS_TOPIC = "ledger.snapshots";
        public static final String LEASE_TOPIC = "ledger.core.lease";
        public static final int DECISIONS_PARTITIONS = 3;
        /** 0 = min(3, number of brokers). */
        public static final int REPLICATION_FACTOR = 0;
        public static final long SNAPSHOT_EVERY = 1_000_000;
        /** A transaction stays open across polls at most this long under load (decision latency vs commit cost). */
        public static final long TRANSACTION_MAX_MS = 250;
        /**
         * While input keeps coming, commits are at least this far apart (broker work per decision vs latency); after a
         * quiet spell a transaction commits at once.
         */
        public static final long TRANSACTION_GAP_MS = 5;
        public static final int TRANSACTION_MAX_RECORDS = 100_000;
        public static final String ADMIN_BIND_ADDRESS = "127.0.0.1";
        public static final int ADMIN_PORT = 9465;
        public static final String GROUP_ID = "ledger-core";
        public static final String TRANSACTIONAL_ID = "ledger-core";
        /** The broker's smallest allowed session timeout by default: a dead active is noticed within 6 s. */
        public static final int SESSION_TIMEOUT_MS = 6000;

        private Defaults() {
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().bootstrapServers(bootstrapServers).mutationsTopic(mutationsTopic)
                .decisionsTopic(decisionsTopic).snapshotsTopic(snapshotsTopic).leaseTopic(leaseTopic)
                .decisionsPartitions(decisionsPartitions).replicationFactor(replicationFactor)
                .snapshotEvery(snapshotEvery).transactionMaxMs(transactionMaxMs).transactionGapMs(transactionGapMs)
                .transactionMaxRecords(transactionMaxRecords).adminBindAddress(adminBindAddress).adminPort(adminPort)
                .groupId(groupId).transactionalId(transactionalId).sessionTimeoutMs(sessionTimeoutMs).coreId(coreId);
    }

    /** One line with the effective settings. */
    public String describe() {
        return "bootstrapServers=" + bootstrapServers + " mutationsTopic=" + mutationsTopic + " decisionsTopic="
                + decisionsTopic + " snapshotsTopic=" + snapshotsTopic + " leaseTopic=" + leaseTopic
                + " decisionsPartitions=" + decisionsPartitions + " replicationFactor="
                + (replicationFactor == 0 ? "auto" : replicationFactor) + " snapshotEvery=" + snapshotEvery
                + " transactionMaxMs=" + transactionMaxMs + " transactionGapMs=" + transactionGapMs
                + " transactionMaxRecords=" + transactionMaxRecords
                + " admin=" + (adminPort < 0 ? "off" : adminBindAddress + ":" + adminPort) + " groupId=" + groupId
                + " transactionalId=" + transactionalId + " sessionTimeoutMs=" + sessionTimeoutMs
                + " coreId=" + coreId;
    }

    /** Collects settings; setters take anything, {@link #build()} checks everything once. Not thread-safe. */
    public static final class Builder {
        private String bootstrapServers;
        private String mutationsTopic = Defaults.MUTATIONS_TOPIC;
        private String decisionsTopic = Defaults.DECISIONS_TOPIC;
        private String snapshotsTopic = Defaults.SNAPSHOTS_TOPIC;
        private String leaseTopic = Defaults.LEASE_TOPIC;
        private int decisionsPartitions = Defaults.DECISIONS_PARTITIONS;
        private int replicationFactor = Defaults.REPLICATION_FACTOR;
        private long snapshotEvery = Defaults.SNAPSHOT_EVERY;
        private long transactionMaxMs = Defaults.TRANSACTION_MAX_MS;
        private long transactionGapMs = Defaults.TRANSACTION_GAP_MS;
        private int transactionMaxRecords = Defaults.TRANSACTION_MAX_RECORDS;
        private String adminBindAddress = Defaults.ADMIN_BIND_ADDRESS;
        private int adminPort = Defaults.ADMIN_PORT;
        private String groupId = Defaults.GROUP_ID;
        private String transactionalId = Defaults.TRANSACTIONAL_ID;
        private int sessionTimeoutMs = Defaults.SESSION_TIMEOUT_MS;
        private String coreId;

        private Builder() {
        }

        public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
        public Builder mutationsTopic(String v) { mutationsTopic = v; return this; }
        public Builder decisionsTopic(String v) { decisionsTopic = v; return this; }
        public Builder snapshotsTopic(String v) { snapshotsTopic = v; return this; }
        public Builder leaseTopic(String v) { leaseTopic = v; return this; }
        public Builder decisionsPartitions(int v) { decisionsPartitions = v; return this; }
        public Builder replicationFactor(int v) { replicationFactor = v; return this; }
        public Builder snapshotEvery(long v) { snapshotEvery = v; return this; }
        public Builder transactionMaxMs(long v) { transactionMaxMs = v; return this; }
        public Builder transactionGapMs(long v) { transactionGapMs = v; return this; }
        public Builder transactionMaxRecords(int v) { transactionMaxRecords = v; return this; }
        public Builder adminBindAddress(String v) { adminBindAddress = v; return this; }
        public Builder adminPort(int v) { adminPort = v; return this; }
        public Builder groupId(String v) { groupId = v; return this; }
        public Builder transactionalId(String v) { transactionalId = v; return this; }
        public Builder sessionTimeoutMs(int v) { sessionTimeoutMs = v; return this; }
        public Builder coreId(String v) { coreId = v; return this; }

        /** @throws IllegalArgumentException naming the first bad setting */
        public CoreConfig build() {
            require(bootstrapServers, "bootstrapServers");
            require(mutationsTopic, "mutationsTopic");
            require(decisionsTopic, "decisionsTopic");
            require(snapshotsTopic, "snapshotsTopic");
            require(leaseTopic, "leaseTopic");
            require(groupId, "groupId");
            require(transactionalId, "transactionalId");
            if (decisionsPartitions < 1) {
                throw new IllegalArgumentException("decisionsPartitions must be >= 1: " + decisionsPartitions);
            }
            if (replicationFactor < 0) {
                throw new IllegalArgumentException("replicationFactor must be >= 0 (0 = auto): " + replicationFactor);
            }
            if (snapshotEvery < 1) {
                throw new IllegalArgumentException("snapshotEvery must be >= 1: " + snapshotEvery);
            }
            if (transactionMaxMs < 0 || transactionMaxMs > 30_000) {
                throw new IllegalArgumentException("transactionMaxMs must be 0..30000: " + transactionMaxMs);
            }
            if (transactionGapMs < 0 || transactionGapMs > 30_000) {
                throw new IllegalArgumentException("transactionGapMs must be 0..30000: " + transactionGapMs);
            }
            if (transactionMaxRecords < 1) {
                throw new IllegalArgumentException("transactionMaxRecords must be >= 1: " + transactionMaxRecords);
            }
            if (adminPort < -1 || adminPort > 65535) {
                throw new IllegalArgumentException("adminPort must be -1 (off), 0 (any) or 1..65535: " + adminPort);
            }
            if (sessionTimeoutMs < 1000) {
                throw new IllegalArgumentException("sessionTimeoutMs must be >= 1000: " + sessionTimeoutMs);
            }
            if (new java.util.HashSet<>(java.util.List.of(mutationsTopic, decisionsTopic, snapshotsTopic, leaseTopic))
                    .size() != 4) {
                throw new IllegalArgumentException("mutations, decisions, snapshots and lease topics must differ: "
                        + mutationsTopic + ", " + decisionsTopic + ", " + snapshotsTopic + ", " + leaseTopic);
            }
            String id = coreId == null || coreId.isBlank() ? defaultCoreId() : coreId;
            return new CoreConfig(bootstrapServers, mutationsTopic, decisionsTopic, snapshotsTopic, leaseTopic,
                    decisionsPartitions, replicationFactor, snapshotEvery, transactionMaxMs, transactionGapMs,
                    transactionMaxRecords,
                    adminBindAddress, adminPort, groupId,
                    transactionalId, sessionTimeoutMs, id);
        }

        private static void require(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must be set");
            }
        }

        private static String defaultCoreId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "core";
            }
            return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
        }
    }
}
