package dev.ledger.server.decisions;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.core.journal.DecisionKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the ledger core's decision journal on its own thread and hands every decision about this server's events
 * to the {@link DecisionRouter}, as the record's bytes (only its event id is read, see {@link DecisionEventIds}).
 * The core keys each decision by the server id of the mutation it decides ({@link DecisionKeys}), so this reader
 * is assigned only the one partition that key maps to: its cost does not grow with the number of servers (unless
 * two server ids share a partition, when each skips the other's records by key).
 *
 * <p>It reads committed decisions only ({@code isolation.level=read_committed}: an aborted transaction's decisions
 * are never shown to a client) and starts at the partition's end, since only events submitted from now on can be
 * awaited. With no core, or no decisions topic yet, it keeps looking (once a second) and awaited events simply end
 * DECISION_PENDING; the partition count is checked again every 30 s. A Kafka failure costs a pause of a second, never
 * the reader. It never blocks an event loop: the only thread it runs on is its own.
 */
public final class DecisionReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecisionReader.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(2);
    static final long METADATA_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final byte[] key;
    private final DecisionRouter router;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long read;
    private volatile long delivered;
    private volatile long skipped;
    private final Set<TopicPartition> assigned = new LinkedHashSet<>();
    private volatile long failures;
    private long lastFailureLogNanos;
    private long metadataCheckedNanos;
    private boolean warnedMissing;

    DecisionReader(Consumer<byte[], byte[]> consumer, String topic, String serverId, DecisionRouter router) {
        this.consumer = consumer;
        this.topic = topic;
        this.key = DecisionKeys.keyOf(serverId);
        this.router = router;
        this.thread = new Thread(this::run, "ledger-decisions-" + serverId);
        this.thread.setDaemon(true);
    }

    /**
     * Starts a reader of {@code topic} for {@code serverId}.
     *
     * @param clientProperties the server's Kafka client settings; only security settings ({@code security.*},
     *     {@code sasl.*}, {@code ssl.*}) are taken over, so the reader authenticates like the producer
     */
    public static DecisionReader start(String bootstrapServers, String topic, String serverId,
            Map<String, String> clientProperties, DecisionRouter router) {
        Properties p = new Properties();
        clientProperties.forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                p.put(k, v);
            }
        });
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, serverId + "-decisions");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // The journal is the core's to create (its partitions, replication and retention): never a broker default.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // An idle fetch is parked by the broker this long. A committed decision should return at once, but on a
        // loaded machine a parked fetch was seen to answer late (see the core's KafkaClients.FETCH_MAX_WAIT_MS):
        // 10 ms bounds that wait, at the cost of at most 100 empty fetches a second when idle.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new DecisionReader(new KafkaConsumer<>(p), topic, serverId, router).startReading();
    }

    /** Assigns (best effort) and starts the thread; returns this. */
    DecisionReader startReading() {
        try {
            assign(); // before the server listens, so no decision of its first events is missed
        } catch (RuntimeException e) {
            log.warn("decisions topic {} not readable yet ({}); the reader keeps trying", topic, e.toString());
        }
        thread.start(); // happens-after the assignment: the consumer is handed over to the thread
        return this;
    }

    /** True while the reader's thread runs. */
    boolean alive() {
        return thread.isAlive();
    }

    private void run() {
        try {
            while (running) {
                try {
                    turn();
                } catch (WakeupException e) {
                    if (running) {
                        continue; // not from close(): nothing to stop
                    }
                } catch (RuntimeException e) {
                    // A Kafka hiccup (leader moving, broker restarting, a timeout) must not end decisions for good.
                    long now = System.nanoTime();
                    if (now - lastFailureLogNanos > FAILURE_LOG_INTERVAL_NANOS) {
                        lastFailureLogNanos = now;
                        log.warn("decision reader of {}: {}; retrying in 1 s (awaited events may end "
                                + "DECISION_PENDING meanwhile)", topic, e.toString());
                    }
                    failures++;
                    sleepNanos(RETRY_NANOS);
                }
            }
        } finally {
            log.info("decision reader of {} stopped: {} decisions read, {} delivered to waiting clients, {} skipped "
                    + "(another server's key, or unreadable)", topic, read, delivered, skipped);
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                log.debug("closing the decision reader's consumer: {}", e.toString());
            }
        }
    }

    private void turn() {
        if (assigned.isEmpty() || System.nanoTime() - metadataCheckedNanos > METADATA_REFRESH_NANOS) {
            assign();
        }
        if (assigned.isEmpty()) {
            sleepNanos(RETRY_NANOS);
            return;
        }
        route(consumer.poll(POLL));
    }

    /**
     * Assigns the partition this server's key maps to. When the partition count changes the key maps elsewhere: the
     * new partition is added (read from its start: it is new, so it holds only decisions written since it was
     * added) and the old one kept, since the core's producer follows the new count only when its metadata refreshes.
     */
    void assign() {
        metadataCheckedNanos = System.nanoTime();
        List<PartitionInfo> partitions;
        try {
            partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            partitions = List.of();
            log.debug("decisions topic {} metadata: {}", topic, e.toString());
        }
        if (partitions == null || partitions.isEmpty()) {
            if (!warnedMissing) {
                warnedMissing = true;
                log.warn("decisions topic {} not found (yet): events awaiting decisions will end DECISION_PENDING "
                        + "until a ledger core writes it", topic);
            }
            return;
        }
        TopicPartition tp = new TopicPartition(topic, DecisionKeys.partitionFor(key, partitions.size()));
        if (assigned.contains(tp)) {
            return;
        }
        List<TopicPartition> all = new ArrayList<>(assigned);
        all.add(tp);
        consumer.assign(all);
        if (assigned.isEmpty()) {
            consumer.seekToEnd(List.of(tp)); // only events submitted from now on can be awaited
        } else {
            consumer.seekToBeginning(List.of(tp));
        }
        consumer.position(tp); // resolve it now: decisions from here on are seen
        assigned.add(tp);
        log.info("reading decisions from {} (key {} of {} partitions)", tp, new String(key,
                java.nio.charset.StandardCharsets.UTF_8), partitions.size());
    }

    private void route(ConsumerRecords<byte[], byte[]> records) {
        read += records.count();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (!Arrays.equals(r.key(), key) || r.value() == null) {
                skipped++;
                continue;
            }
            byte[] value = r.value();
            try {
                // Only the id is read, in place when the record has the core's shape (no String for a UUID id);
                // the record's bytes go to the waiting connections as they are.
                long at = DecisionEventIds.locate(value);
                boolean waited = at >= 0
                        ? router.deliver(value, DecisionEventIds.start(at), DecisionEventIds.length(at))
                        : router.deliver(DecisionEventIds.of(value), value);
                if (waited) {
                    delivered++;
                }
            } catch (InvalidProtocolBufferException e) {
                skipped++;
                log.warn("unreadable decision at {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(),
                        e.getMessage());
            }
        }
    }

    /** Decision records read since start (this server's partition only). */
    public long read() {
        return read;
    }

    /** Kafka failures the reader survived (each followed by a 1 s pause). */
    public long failures() {
        return failures;
    }

    /** Decisions handed to a waiting Submit since start. */
    public long delivered() {
        return delivered;
    }

    /** Records read and skipped: another server's key, or unreadable. */
    public long skipped() {
        return skipped;
    }

    private void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /** Stops the thread and closes the consumer; waits up to a few seconds. Idempotent. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
