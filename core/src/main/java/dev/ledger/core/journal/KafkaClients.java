package dev.ledger.core.journal;

import dev.ledger.core.config.CoreConfig;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one place that states the core's Kafka client settings: read_committed consumers without auto-commit, a
 * transactional producer with a fixed {@code transactional.id} (so a new active fences the old one), and the
 * lease consumer's session timeout. Thread-safe (stateless).
 */
final class KafkaClients {

    /** Upper bound on any single blocking Kafka call of the core loop, so the loop keeps ticking when Kafka is down. */
    static final int MAX_BLOCK_MS = 10_000;

    /**
     * How long the broker may hold a fetch that finds no new record (Kafka's default is 500 ms). The loop's other
     * calls on the same consumer (the readiness check's end offsets) share its connection, and a broker answers one
     * request per connection at a time: with the default, each idle turn of the loop waited up to 500 ms behind a
     * parked fetch, and the lease consumer, which only moves in the loop's {@code poll(Duration.ZERO)}, needed
     * seconds to join its group. In principle a record still returns at once and only an idle fetch is answered
     * sooner; measured on the 2-core machine (a transactional read-process-write probe at 2,000 records/s), a
     * parked fetch often answered a new record late, and 5 ms instead of 50 cut the median time from a record's
     * send to its poll by a third. 10 ms costs an idle core at most 100 empty fetches a second per consumer.
     */
    static final int FETCH_MAX_WAIT_MS = 10;

    /**
     * Records one poll returns at most. A poll that returns fewer has drained what the consumer fetched: the core
     * loop commits then (see {@code CoreLoop.decideBatch}).
     */
    static final int MAX_POLL_RECORDS = 5000;

    private KafkaClients() {
    }

    /** Reads the mutations (group offsets are the input position) or the journal (manual positions). */
    static KafkaConsumer<byte[], byte[]> consumer(CoreConfig config, String clientSuffix) {
        Properties p = common(config, clientSuffix);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(MAX_POLL_RECORDS));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(32 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(MAX_BLOCK_MS));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(FETCH_MAX_WAIT_MS));
        // The mutations topic is the server's to create, with its partitions and durability: never a broker default.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /**
     * A member of the lease group: whoever holds partition 0 of the lease topic is the active core. Classic group
     * protocol, so the session timeout is the client's to choose (a dead active is dropped after it).
     */
    static KafkaConsumer<byte[], byte[]> leaseConsumer(CoreConfig config) {
        Properties p = common(config, "lease");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-lease");
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Cooperative: the active keeps partition 0 while a standby joins or leaves; only a real move revokes it.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(config.sessionTimeoutMs()));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(Math.max(100, config.sessionTimeoutMs() / 6)));
        // The loop polls the lease between batches; a snapshot of a large state may take a while.
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(5 * 60 * 1000));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** The active core's only producer: decisions, consumed offsets and snapshots all go through its transactions. */
    static KafkaProducer<byte[], byte[]> transactionalProducer(CoreConfig config) {
        Properties p = common(config, "producer");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Back-to-back transactions: about one commit in ten has its offset commit answered CONCURRENT_TRANSACTIONS
        // (the previous transaction's markers are still being written) and retried after this backoff. Kafka's 100 ms
        // default put that pause into the decision latency; the retry is cheap, so retry soon.
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(SnapshotStore.MAX_CHUNK_BYTES + 64 * 1024));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(MAX_BLOCK_MS));
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static Properties common(CoreConfig config, String clientSuffix) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ledger-core-" + config.coreId() + "-" + clientSuffix);
        return p;
    }
}
