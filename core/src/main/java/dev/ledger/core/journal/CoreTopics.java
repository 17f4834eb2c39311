package dev.ledger.core.journal;

import dev.ledger.core.config.CoreConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Startup only: creates the core's topics when they are missing. The journal and the snapshots hold the ledger's
 * truth, so they get the same durability as the mutations: replication min(3, brokers), {@code min.insync.replicas=2}
 * from 3 replicas on, and no unclean leader election. The snapshots topic is compacted (two partitions: chunks and
 * manifests), the lease topic has one partition. The mutations topic is the server's; the core waits for it.
 * Blocking; thread-safe (stateless).
 */
public final class CoreTopics {

    private CoreTopics() {
    }

    public static void ensure(CoreConfig config, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            int rf = config.replicationFactor();
            if (rf == 0) {
                int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
                rf = Math.max(1, Math.min(3, brokers));
            }
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            Map<String, String> durable = DurableTopics.creationConfigs(rf);
            // The journal is the source of truth and recovery may fold all of it: it is never deleted by age.
            Map<String, String> journal = new java.util.HashMap<>(durable);
            journal.put("retention.ms", "-1");
            add(missing, existing, new NewTopic(config.decisionsTopic(), config.decisionsPartitions(), (short) rf)
                    .configs(journal));
            Map<String, String> compacted = new java.util.HashMap<>(durable);
            compacted.put("cleanup.policy", "compact");
            compacted.put("max.message.bytes", String.valueOf(SnapshotStore.MAX_CHUNK_BYTES + 64 * 1024));
            add(missing, existing, new NewTopic(config.snapshotsTopic(), 2, (short) rf).configs(compacted));
            add(missing, existing, new NewTopic(config.leaseTopic(), 1, (short) rf).configs(durable));
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // another core created it at the same moment: fine; anything else is not
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the core's topics: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the core's topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.bootstrapServers() + " did not answer within "
                    + timeout, e);
        }
    }

    private static void add(List<NewTopic> missing, Set<String> existing, NewTopic topic) {
        if (!existing.contains(topic.name())) {
            missing.add(topic);
        }
    }
}
