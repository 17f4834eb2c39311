package dev.ledger.server.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;

/**
 * Whether Kafka's metadata for the topic can be read now: the readiness half that the circuit cannot see while no
 * events flow. Every period (on the {@link KafkaMaintenance} thread) it starts one asynchronous describe of the
 * topic, never more than one at a time and never waiting for it; the answer, or its failure after the request
 * timeout, updates the verdict.
 *
 * <p>It also judges the circuit for readiness ({@link #problem(KafkaCircuit)}). The circuit closes only when a send
 * succeeds, and a server that is not ready gets no new clients from its load balancer: after an outage with
 * traffic it could stay not ready for good. So an open circuit keeps the server not ready only until its open
 * period has passed and a probe begun after its last failure has read the metadata; the next send is then the
 * circuit's probe.
 *
 * <p>Thread-safe: probed on the maintenance thread, read by the admin port's threads.
 */
public final class KafkaReachability implements AutoCloseable {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final Admin admin;
    private final String topic;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final LongSupplier nanoClock;
    private volatile String problem = "Kafka not probed yet";
    /** When the last probe that read the metadata began (the clock's time); set before {@link #problem}. */
    private volatile long reachedAtNanos;

    /** With the clock the circuit uses ({@code System::nanoTime} in production); tests step their own. */
    KafkaReachability(Admin admin, String topic, LongSupplier nanoClock) {
        this.admin = admin;
        this.topic = topic;
        this.nanoClock = nanoClock;
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
        KafkaReachability k = new KafkaReachability(Admin.create(props), topic, System::nanoTime);
        maintenance.executor().execute(k::probe);
        maintenance.every(period, "Kafka reachability probe", k::probe);
        return k;
    }

    /**
     * {@code null} when ready as far as Kafka goes: the last probe read the topic's metadata, and {@code circuit} is
     * closed or would let its probe send through, with that probe begun after the circuit's last failure. Else why
     * not.
     */
    public String problem(KafkaCircuit circuit) {
        String p = problem;
        if (p != null) {
            return p;
        }
        if (circuit.refusesSince(reachedAtNanos)) {
            return "Kafka circuit open: " + circuit.refusalReason();
        }
        return null;
    }

    void probe() {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        long started = nanoClock.getAsLong();
        try {
            admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs((int) REQUEST_TIMEOUT.toMillis()))
                    .allTopicNames().whenComplete((topics, failure) -> {
                        probed(started, failure);
                        probing.set(false);
                    });
        } catch (RuntimeException e) {
            problem = "Kafka metadata probe failed: " + e;
            probing.set(false);
        }
    }

    /** A probe begun at {@code startedNanos} ended: read the metadata ({@code failure == null}) or not. */
    void probed(long startedNanos, Throwable failure) {
        if (failure == null) {
            reachedAtNanos = startedNanos;
            problem = null;
        } else {
            problem = "Kafka metadata for topic " + topic + " unreachable: " + failure.getClass().getSimpleName()
                    + ": " + failure.getMessage();
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
