package dev.ledger.server.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;

/**
 * Whether Kafka's metadata for the topic can be read now: the readiness half that the circuit cannot see while no
 * events flow. Every period (on the {@link KafkaMaintenance} thread) it starts one asynchronous describe of the
 * topic, never more than one at a time and never waiting for it; the answer, or its failure after the request
 * timeout, updates the verdict.
 *
 * <p>Thread-safe: probed on the maintenance thread, read by the admin port's threads.
 */
public final class KafkaReachability implements AutoCloseable {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final Admin admin;
    private final String topic;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile String problem = "Kafka not probed yet";

    private KafkaReachability(Admin admin, String topic) {
        this.admin = admin;
        this.topic = topic;
    }

    /**
     * Starts probing {@code topic} every {@code period} on {@code maintenance}, the first time at once.
     *
     * @param connectionSettings security and DNS settings shared with the producer (see {@link ProducerSettings})
     */
    public static KafkaReachability start(String bootstrapServers, Map<String, String> connectionSettings,
            String topic, KafkaMaintenance maintenance, Duration period) {
        Properties props = new Properties();
        props.putAll(connectionSettings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "ledger-server-readiness");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
        KafkaReachability k = new KafkaReachability(Admin.create(props), topic);
        maintenance.executor().execute(k::probe);
        maintenance.every(period, "Kafka reachability probe", k::probe);
        return k;
    }

    /** {@code null} when the last probe read the topic's metadata, else why not. */
    public String problem() {
        return problem;
    }

    void probe() {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        try {
            admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs((int) REQUEST_TIMEOUT.toMillis()))
                    .allTopicNames().whenComplete((topics, failure) -> {
                        problem = failure == null ? null : "Kafka metadata for topic " + topic + " unreachable: "
                                + failure.getClass().getSimpleName() + ": " + failure.getMessage();
                        probing.set(false);
                    });
        } catch (RuntimeException e) {
            problem = "Kafka metadata probe failed: " + e;
            probing.set(false);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
