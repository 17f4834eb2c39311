package dev.ledger.server.kafka;

import dev.ledger.core.journal.DurableTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Startup-only Kafka work, done on the starting thread before any event loop runs: create the topic if missing
 * (with the durability settings of {@link #creationConfigs}), describe what it can promise ({@link
 * TopicDurability}), and load its metadata into a producer, so that sends on event loops never wait for metadata.
 * {@link #loadPartitions} is also used by {@link ProducerSlot} on its own thread for a replacement producer.
 *
 * <p>Blocking by design; never call it from an event loop. Thread-safe (stateless).
 */
public final class TopicInitializer {

    private TopicInitializer() {
    }

    /**
     * Creates {@code topic} unless it exists, then describes it.
     *
     * @param connection how to reach the cluster besides the bootstrap servers (security.protocol, sasl.*, ssl.*;
     *     {@link ProducerSettings#connectionSettings})
     * @param replicationFactor 0 for min(3, number of brokers)
     * @return what the topic (created now or found) can promise
     */
    public static TopicDurability ensureTopic(String bootstrapServers, java.util.Map<String, String> connection,
            String topic, int partitions, int replicationFactor, Duration timeout) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            int rf = replicationFactor == 0 ? Math.max(1, Math.min(3, brokers)) : replicationFactor;
            NewTopic newTopic = new NewTopic(topic, partitions, (short) rf).configs(creationConfigs(rf));
            try {
                admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
                }
            }
            return describe(admin, topic, brokers, timeout);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the cluster at " + bootstrapServers + ": " + e.getCause(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within " + timeout, e);
        }
    }

    /**
     * The topic settings the server sets when it creates the topic: {@code min.insync.replicas=2} once there are
     * at least 3 replicas (the broker default is 1, which lets {@code acks=all} acknowledge a record only the
     * leader holds), and {@code unclean.leader.election.enable=false} always, so that no broker default can
     * weaken it.
     */
    public static Map<String, String> creationConfigs(int replicationFactor) {
        return DurableTopics.creationConfigs(replicationFactor);
    }

    /**
     * Describes the topic's replicas and its effective durability settings. A topic created a moment ago may not
     * be known yet to the broker that answers ({@code UnknownTopicOrPartitionException}, retriable): that is
     * retried every 100 ms. Every attempt waits only for what is left of {@code timeout}, so the whole call ends
     * within it.
     *
     * @param brokers the cluster's broker count, recorded in the result
     * @throws java.util.concurrent.TimeoutException when {@code timeout} passes before Kafka answers
     */
    static TopicDurability describe(Admin admin, String topic, int brokers, Duration timeout)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remainingNanos = deadline - System.nanoTime();
            if (remainingNanos <= 0) {
                throw new java.util.concurrent.TimeoutException("topic " + topic + " not described within " + timeout);
            }
            try {
                return describeOnce(admin, topic, brokers, remainingNanos);
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof RetriableException)
                        || deadline - System.nanoTime() <= TimeUnit.MILLISECONDS.toNanos(100)) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static TopicDurability describeOnce(Admin admin, String topic, int brokers, long timeoutNanos)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        // One deadline for both calls: describeConfigs gets what describeTopics left.
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeoutNanos, TimeUnit.NANOSECONDS).get(topic);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).get(resource);
            int rf = description.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            int partitions = (int) description.partitions().stream().map(TopicPartitionInfo::partition).count();
            return new TopicDurability(topic, partitions, rf,
                    Integer.parseInt(value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1")),
                    Boolean.parseBoolean(value(config, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false")),
                    brokers);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause(), e.getCause());
        }
    }

    private static String value(Config config, String name, String fallback) {
        ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null ? fallback : entry.value().trim();
    }

    /**
     * Loads the topic's partitions into the producer's metadata. With {@code max.block.ms=0} each call only asks
     * for an update, so this polls until the metadata is there.
     *
     * @return the topic's partition numbers, ascending
     */
    public static List<Integer> loadPartitions(Producer<byte[], byte[]> producer, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                List<PartitionInfo> infos = producer.partitionsFor(topic);
                if (!infos.isEmpty()) {
                    return infos.stream().map(PartitionInfo::partition).sorted().toList();
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                last = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading metadata of " + topic, e);
            }
        }
        throw new IllegalStateException("no metadata for topic " + topic + " within " + timeout + ": " + last, last);
    }
}
