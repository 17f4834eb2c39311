package dev.ledger.core.config;

import dev.ledger.core.config.CoreConfig.Defaults;
import dev.ledger.core.logging.LogFormat;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The command-line flags of the core (picocli), each with a {@code LEDGER_CORE_*} environment variable and the
 * default from {@link Defaults}. A flag beats its environment variable, which beats the config file
 * ({@link ConfigFile}), which beats the default. Not thread-safe; used once at startup to build a {@link CoreConfig}.
 */
public final class CoreOptions {

    @Option(names = ConfigFile.OPTION, paramLabel = "FILE", defaultValue = "${env:LEDGER_CORE_CONFIG}",
            description = "Properties file with a key per flag (the flag name without the dashes, e.g. admin-port=9465); flags and environment variables override it. Env LEDGER_CORE_CONFIG.")
    Path configFile;

    @Option(names = "--log-format", paramLabel = "text|json", converter = LogFormat.Converter.class,
            defaultValue = "${env:LEDGER_CORE_LOG_FORMAT:-" + LogFormat.DEFAULT + "}",
            description = "Log lines as text or as one JSON object per line. Env LEDGER_CORE_LOG_FORMAT. Default: ${DEFAULT-VALUE}.")
    LogFormat logFormat;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:LEDGER_CORE_BOOTSTRAP_SERVERS}", required = true,
            description = "Kafka bootstrap servers. Env LEDGER_CORE_BOOTSTRAP_SERVERS.")
    String bootstrapServers;

    @Option(names = "--mutations-topic", defaultValue = "${env:LEDGER_CORE_MUTATIONS_TOPIC:-" + Defaults.MUTATIONS_TOPIC + "}",
            description = "Topic the server writes mutations to. Env LEDGER_CORE_MUTATIONS_TOPIC. Default: ${DEFAULT-VALUE}.")
    String mutationsTopic;

    @Option(names = "--decisions-topic", defaultValue = "${env:LEDGER_CORE_DECISIONS_TOPIC:-" + Defaults.DECISIONS_TOPIC + "}",
            description = "The decision journal. Env LEDGER_CORE_DECISIONS_TOPIC. Default: ${DEFAULT-VALUE}.")
    String decisionsTopic;

    @Option(names = "--snapshots-topic", defaultValue = "${env:LEDGER_CORE_SNAPSHOTS_TOPIC:-" + Defaults.SNAPSHOTS_TOPIC + "}",
            description = "Compacted topic of state snapshots. Env LEDGER_CORE_SNAPSHOTS_TOPIC. Default: ${DEFAULT-VALUE}.")
    String snapshotsTopic;

    @Option(names = "--lease-topic", defaultValue = "${env:LEDGER_CORE_LEASE_TOPIC:-" + Defaults.LEASE_TOPIC + "}",
            description = "One-partition topic whose consumer group elects the active core. Env LEDGER_CORE_LEASE_TOPIC. Default: ${DEFAULT-VALUE}.")
    String leaseTopic;

    @Option(names = "--decisions-partitions",
            defaultValue = "${env:LEDGER_CORE_DECISIONS_PARTITIONS:-" + Defaults.DECISIONS_PARTITIONS + "}",
            description = "Partitions when the core creates the decisions topic. Env LEDGER_CORE_DECISIONS_PARTITIONS. Default: ${DEFAULT-VALUE}.")
    int decisionsPartitions;

    @Option(names = "--replication-factor", defaultValue = "${env:LEDGER_CORE_REPLICATION_FACTOR:-" + Defaults.REPLICATION_FACTOR + "}",
            description = "Replication factor of topics the core creates; 0 = min(3, brokers). Env LEDGER_CORE_REPLICATION_FACTOR. Default: ${DEFAULT-VALUE}.")
    int replicationFactor;

    @Option(names = "--snapshot-every", defaultValue = "${env:LEDGER_CORE_SNAPSHOT_EVERY:-" + Defaults.SNAPSHOT_EVERY + "}",
            description = "Snapshot after this many decisions (and on every Snapshot event). Env LEDGER_CORE_SNAPSHOT_EVERY. Default: ${DEFAULT-VALUE}.")
    long snapshotEvery;

    @Option(names = "--transaction-max-ms",
            defaultValue = "${env:LEDGER_CORE_TRANSACTION_MAX_MS:-" + Defaults.TRANSACTION_MAX_MS + "}",
            description = "Under load, commit a transaction that has been open this long (it spans polls). Env LEDGER_CORE_TRANSACTION_MAX_MS. Default: ${DEFAULT-VALUE}.")
    long transactionMaxMs;

    @Option(names = "--transaction-gap-ms",
            defaultValue = "${env:LEDGER_CORE_TRANSACTION_GAP_MS:-" + Defaults.TRANSACTION_GAP_MS + "}",
            description = "While input keeps coming, commit a transaction only this long after the previous commit of decisions ended, polling for more input meanwhile: fewer, larger transactions and less broker work per decision, for about this much more decision latency at most; after a quiet spell a transaction commits at once. 0 = commit as soon as the input is drained; never more than --transaction-max-ms. Env LEDGER_CORE_TRANSACTION_GAP_MS. Default: ${DEFAULT-VALUE}.")
    long transactionGapMs;

    @Option(names = "--transaction-max-records",
            defaultValue = "${env:LEDGER_CORE_TRANSACTION_MAX_RECORDS:-" + Defaults.TRANSACTION_MAX_RECORDS + "}",
            description = "Commit a transaction holding this many decisions. Env LEDGER_CORE_TRANSACTION_MAX_RECORDS. Default: ${DEFAULT-VALUE}.")
    int transactionMaxRecords;

    @Option(names = "--admin-bind-address",
            defaultValue = "${env:LEDGER_CORE_ADMIN_BIND_ADDRESS:-" + Defaults.ADMIN_BIND_ADDRESS + "}",
            description = "Address of the admin HTTP port. Env LEDGER_CORE_ADMIN_BIND_ADDRESS. Default: ${DEFAULT-VALUE}.")
    String adminBindAddress;

    @Option(names = "--admin-port", defaultValue = "${env:LEDGER_CORE_ADMIN_PORT:-" + Defaults.ADMIN_PORT + "}",
            description = "Admin HTTP port (queries, /metrics, /livez, /readyz); 0 = any free, -1 = off. Env LEDGER_CORE_ADMIN_PORT. Default: ${DEFAULT-VALUE}.")
    int adminPort;

    @Option(names = "--group-id", defaultValue = "${env:LEDGER_CORE_GROUP_ID:-" + Defaults.GROUP_ID + "}",
            description = "Consumer group of the mutation offsets (and, with -lease, of the lease). Env LEDGER_CORE_GROUP_ID. Default: ${DEFAULT-VALUE}.")
    String groupId;

    @Option(names = "--transactional-id", defaultValue = "${env:LEDGER_CORE_TRANSACTIONAL_ID:-" + Defaults.TRANSACTIONAL_ID + "}",
            description = "Kafka transactional.id shared by the cores of one ledger. Env LEDGER_CORE_TRANSACTIONAL_ID. Default: ${DEFAULT-VALUE}.")
    String transactionalId;

    @Option(names = "--session-timeout-ms", defaultValue = "${env:LEDGER_CORE_SESSION_TIMEOUT_MS:-" + Defaults.SESSION_TIMEOUT_MS + "}",
            description = "Lease session timeout: how long a dead active keeps the lease. Env LEDGER_CORE_SESSION_TIMEOUT_MS. Default: ${DEFAULT-VALUE}.")
    int sessionTimeoutMs;

    @Option(names = "--core-id", defaultValue = "${env:LEDGER_CORE_ID}",
            description = "This core's name in logs and snapshots. Env LEDGER_CORE_ID. Default: <hostname>-<pid>.")
    String coreId;

    public LogFormat logFormat() {
        return logFormat;
    }

    /** @throws IllegalArgumentException naming the bad setting */
    public CoreConfig toConfig() {
        return CoreConfig.builder().bootstrapServers(bootstrapServers).mutationsTopic(mutationsTopic)
                .decisionsTopic(decisionsTopic).snapshotsTopic(snapshotsTopic).leaseTopic(leaseTopic)
                .decisionsPartitions(decisionsPartitions).replicationFactor(replicationFactor)
                .snapshotEvery(snapshotEvery).transactionMaxMs(transactionMaxMs).transactionGapMs(transactionGapMs)
                .transactionMaxRecords(transactionMaxRecords).adminBindAddress(adminBindAddress).adminPort(adminPort).groupId(groupId)
                .transactionalId(transactionalId).sessionTimeoutMs(sessionTimeoutMs).coreId(coreId).build();
    }
}
