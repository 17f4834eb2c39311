package dev.ledger.server.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Startup-only Kafka work, done on the starting thread before any event loop runs: create the topic if missing
 * and load its metadata into the producer, so that sends on event loops never wait for metadata.
 *
 * <p>Blocking by design; never call it from an event loop. Thread-safe (stateless).
 */
public final class TopicInitializer {

    private TopicInitializer() {
    }

    /**
     * Creates {@code topic} unless it exists.
     *
     * @param replicationFactor 0 for min(3, number of brokers)
     */
    public static void ensureTopic(String bootstrapServers, String topic, int partitions, int replicationFactor,
            Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            int rf = replicationFactor;
            if (rf == 0) {
                int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
                rf = Math.max(1, Math.min(3, brokers));
            }
            NewTopic newTopic = new NewTopic(topic, partitions, (short) rf);
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within " + timeout, e);
        }
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
