package dev.ledger.devkafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.BrokerServer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real KRaft Kafka cluster running inside this JVM, built on Kafka's own test kit.
 *
 * <p>Used three ways: the server's development mode (no {@code --bootstrap-servers} given), the integration
 * and fault tests of every module, and the broker process that the benchmark starts. Each node is a combined
 * controller + broker; brokers can be stopped and started again to inject faults while the controllers stay up.
 *
 * <p>Not thread-safe for concurrent start/stop calls; meant to be owned by one test or one process.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** System property: when true, Kafka's own halt and exit calls do not end this JVM (set for test JVMs). */
    public static final String NO_HALT_PROPERTY = "ledger.embeddedKafka.noHalt";

    private final KafkaClusterTestKit cluster;
    private final int nodeCount;

    private EmbeddedKafka(KafkaClusterTestKit cluster, int nodeCount) {
        this.cluster = cluster;
        this.nodeCount = nodeCount;
    }

    /** Starts a single-node cluster with data in a fresh temporary directory deleted on close. */
    public static EmbeddedKafka startSingleNode() {
        return start(1, null, Map.of());
    }

    /**
     * Starts a cluster and waits until every broker is ready.
     *
     * @param nodes number of brokers, at least 1 (1 = one combined controller+broker node; more = one dedicated
     *     controller plus {@code nodes} brokers)
     * @param dataDir where logs live; {@code null} for a temporary directory deleted on close. An existing
     *     directory is wiped first: development data is not kept across restarts.
     * @param brokerProps extra broker settings, e.g. {@code min.insync.replicas}
     */
    public static EmbeddedKafka start(int nodes, Path dataDir, Map<String, String> brokerProps) {
        if (Boolean.getBoolean(NO_HALT_PROPERTY)) {
            // A broker that meets a fatal error (often while it shuts down in a JVM shutdown hook, its files already
            // going) calls Exit.halt/exit, which would end the whole test JVM with a non-zero code after every test
            // passed. In tests (the build sets this property) that is reported here and the JVM goes on.
            Exit.Procedure report = (code, message) -> System.err.println("embedded Kafka asked to end the JVM with "
                    + code + " (" + message + "); ignored because " + NO_HALT_PROPERTY + " is set");
            Exit.setHaltProcedure(report);
            Exit.setExitProcedure(report);
        }
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1: " + nodes);
        }
        try {
            TestKitNodes.Builder nodesBuilder = new TestKitNodes.Builder()
                    .setCombined(nodes == 1)
                    .setNumBrokerNodes(nodes)
                    .setNumControllerNodes(1);
            if (dataDir != null) {
                wipe(dataDir);
                Files.createDirectories(dataDir);
                nodesBuilder.setBaseDirectory(dataDir);
            }
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodesBuilder.build())
                    .setDeleteOnClose(dataDir == null);
            builder.setConfigProp("offsets.topic.replication.factor", String.valueOf(Math.min(nodes, 3)));
            builder.setConfigProp("transaction.state.log.replication.factor", String.valueOf(Math.min(nodes, 3)));
            builder.setConfigProp("transaction.state.log.min.isr", nodes >= 3 ? "2" : "1");
            builder.setConfigProp("group.initial.rebalance.delay.ms", "0");
            // A transaction's first write to a partition is added to it by the broker; while the coordinator still
            // finishes the previous transaction of the same producer (the ledger core commits back to back), that
            // add is answered CONCURRENT_TRANSACTIONS and the broker retries it after this backoff (default 20 ms).
            // 1 ms: lower decision latency at low rates for some broker CPU (docs/OPERATIONS.md has the figures).
            builder.setConfigProp("add.partitions.to.txn.retry.backoff.ms", "1");
            builder.setConfigProp("auto.create.topics.enable", "false");
            for (Map.Entry<String, String> e : brokerProps.entrySet()) {
                builder.setConfigProp(e.getKey(), e.getValue());
            }
            KafkaClusterTestKit kit = builder.build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new EmbeddedKafka(kit, nodes);
        } catch (Exception e) {
            throw new IllegalStateException("embedded Kafka failed to start: " + e, e);
        }
    }

    /** {@code host:port,...} of every broker listener. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Node ids, e.g. {@code [0, 1, 2]}. */
    public List<Integer> brokerIds() {
        return List.copyOf(cluster.brokers().keySet());
    }

    public int nodeCount() {
        return nodeCount;
    }

    /** Creates a topic unless it exists and waits for the creation to finish. */
    public void createTopic(String topic, int partitions, int replicationFactor, Map<String, String> configs) {
        try (Admin admin = admin()) {
            NewTopic newTopic = new NewTopic(topic, partitions, (short) replicationFactor).configs(configs);
            admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("creating topic " + topic + " failed: " + e.getCause(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("creating topic " + topic + " failed: " + e, e);
        }
    }

    /** A new admin client for this cluster; the caller closes it. */
    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /** Stops one broker (the controller keeps running) and waits until it is down. */
    public void stopBroker(int id) {
        BrokerServer broker = broker(id);
        broker.shutdown(Duration.ofSeconds(10));
        broker.awaitShutdown();
    }

    /** Starts a broker stopped by {@link #stopBroker(int)} again, on the same port and data. */
    public void startBroker(int id) {
        broker(id).startup();
    }

    /** Stops every broker. */
    public void stopAllBrokers() {
        for (int id : brokerIds()) {
            stopBroker(id);
        }
    }

    /** Starts every broker and waits until all are ready. */
    public void startAllBrokers() {
        for (int id : brokerIds()) {
            startBroker(id);
        }
        try {
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("brokers did not become ready: " + e, e);
        }
    }

    private BrokerServer broker(int id) {
        BrokerServer broker = cluster.brokers().get(id);
        if (broker == null) {
            throw new IllegalArgumentException("no broker with id " + id + "; ids are " + brokerIds());
        }
        return broker;
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("embedded Kafka failed to stop: " + e, e);
        }
    }

    private static void wipe(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
