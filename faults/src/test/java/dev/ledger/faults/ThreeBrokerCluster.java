package dev.ledger.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real 3-broker Kafka cluster in this JVM with ONE dedicated KRaft controller, built on Kafka's test kit, for
 * the scenario that stops and restarts one broker.
 *
 * <p>Why not {@code EmbeddedKafka.start(3, ...)}: its three combined controller+broker nodes form a 3-voter
 * KRaft quorum whose followers' raft threads die a few seconds after start in this Kafka version
 * ("Received unexpected invalid request error" answering UpdateRaftVoter), after which a stopped broker cannot
 * register again. With a single controller there is no voter to update, and a broker restarts cleanly. The
 * controller never stops here: the scenario is about brokers.
 *
 * <p>Not thread-safe; owned by one test class.
 */
final class ThreeBrokerCluster implements AutoCloseable {

    private final KafkaClusterTestKit kit;

    private ThreeBrokerCluster(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    static ThreeBrokerCluster start(Map<String, String> brokerProps) {
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(false)
                    .setNumControllerNodes(1)
                    .setNumBrokerNodes(3)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            builder.setConfigProp("offsets.topic.replication.factor", "3");
            builder.setConfigProp("transaction.state.log.replication.factor", "3");
            builder.setConfigProp("transaction.state.log.min.isr", "2");
            builder.setConfigProp("group.initial.rebalance.delay.ms", "0");
            builder.setConfigProp("auto.create.topics.enable", "false");
            brokerProps.forEach(builder::setConfigProp);
            KafkaClusterTestKit kit = builder.build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new ThreeBrokerCluster(kit);
        } catch (Exception e) {
            throw new IllegalStateException("3-broker cluster failed to start: " + e, e);
        }
    }

    String bootstrapServers() {
        return kit.bootstrapServers();
    }

    List<Integer> brokerIds() {
        return List.copyOf(kit.brokers().keySet());
    }

    void createTopic(String topic, int partitions, int replicationFactor, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) replicationFactor).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("creating topic " + topic + " failed: " + e, e);
        }
    }

    Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    void stopBroker(int id) {
        BrokerServer broker = kit.brokers().get(id);
        broker.shutdown(Duration.ofSeconds(10));
        broker.awaitShutdown();
    }

    void startBroker(int id) {
        kit.brokers().get(id).startup();
    }

    /** Stops every broker, one after the other (the controller stays up). */
    void stopAllBrokers() {
        brokerIds().forEach(this::stopBroker);
    }

    /** Starts every broker again and waits until all are ready. */
    void startAllBrokers() {
        brokerIds().forEach(this::startBroker);
        try {
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("brokers did not become ready: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            kit.close();
        } catch (Exception e) {
            throw new IllegalStateException("3-broker cluster failed to stop: " + e, e);
        }
    }
}
