package dev.ledger.stress.bench;

import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.proto.MutationEvent;
import dev.ledger.stress.load.Mix;
import dev.ledger.stress.load.Workload;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Pre-fills a mutations topic for {@code bench --phases core} the way the server would have written it: the
 * {@link Workload}'s events (fee, tax and settlement accounts, {@code accounts} customers, a top-up of each), then
 * transfers with fee and tax, keyed by payer, with a {@code server-id} header and random (version 4) UUID event ids.
 * A share of the transfers ask for more than any customer holds, so the core rejects them INSUFFICIENT_FUNDS. Uses
 * a plain idempotent KafkaProducer (acks=all, lz4). Not thread-safe.
 */
public final class MutationFill {

    /** Amount of an overdraft attempt: twice what a customer starts with, so it can never be covered. */
    static final long OVERDRAFT_MINOR = 2 * Workload.INITIAL_BALANCE_MINOR;

    private final String bootstrapServers;
    private final String topic;
    private final int accounts;
    private final double overdraftShare;
    private final SplittableRandom random;
    private final Workload workload;
    private final String[] customers;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long overdrafts;

    /**
     * @param overdraftShare fraction of transfers (0..1) that would overdraw their payer
     * @param seed the same seed gives the same events (ids included)
     */
    public MutationFill(String bootstrapServers, String topic, int accounts, double overdraftShare, long seed) {
        if (overdraftShare < 0 || overdraftShare > 1) {
            throw new IllegalArgumentException("overdraft share must be 0..1: " + overdraftShare);
        }
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.accounts = accounts;
        this.overdraftShare = overdraftShare;
        this.random = new SplittableRandom(seed);
        this.workload = new Workload(this::uuid, new Mix(0, 0, 1, 0), accounts, seed);
        this.customers = new String[accounts];
        for (int i = 0; i < accounts; i++) {
            customers[i] = Workload.customer(i);
        }
    }

    /** Events {@link #writeSetup()} writes: 3 + 2 per customer. */
    public long setupEvents() {
        return 3 + 2L * accounts;
    }

    /** Overdraft attempts written so far. */
    public long overdrafts() {
        return overdrafts;
    }

    /**
     * Opens the accounts (first step, {@code step == 0}) or tops every customer up (second step); returns the number
     * of events written. The steps must be decided one after the other: the top-ups name the settlement account.
     */
    public long writeSetup(int step) {
        List<MutationEvent> setup = workload.setupEvents();
        int accountsEnd = 3 + accounts;
        List<MutationEvent> part = step == 0 ? setup.subList(0, accountsEnd) : setup.subList(accountsEnd, setup.size());
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (MutationEvent e : part) {
                send(producer, e);
            }
            producer.flush();
        }
        return part.size();
    }

    /** Writes {@code count} transfers and waits until Kafka acknowledged all of them. */
    public void writeTransfers(long count) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long i = 0; i < count; i++) {
                send(producer, transfer());
            }
            producer.flush();
        }
    }

    MutationEvent transfer() {
        int payer = random.nextInt(accounts);
        int payee = random.nextInt(accounts - 1);
        if (payee >= payer) {
            payee++;
        }
        long amount;
        if (random.nextDouble() < overdraftShare) {
            amount = OVERDRAFT_MINOR;
            overdrafts++;
        } else {
            amount = 100 + random.nextInt(9_901);
        }
        return Workload.transfer(uuid(), customers[payer], customers[payee], amount, amount / 100, amount / 200);
    }

    private void send(KafkaProducer<byte[], byte[]> producer, MutationEvent e) {
        Exception f = failure.get();
        if (f != null) {
            throw new IllegalStateException("pre-fill failed: " + f, f);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(MutationHeaders.SERVER_ID, "bench-core-fill".getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic, null, Workload.keyOf(e).getBytes(StandardCharsets.UTF_8),
                e.toByteArray(), headers), (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    }
                });
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-stress-core-fill");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A version 4 UUID from the seeded generator: as random as the SDK's ids, cheaper than SecureRandom. */
    private String uuid() {
        long hi = random.nextLong() & ~0xF000L | 0x4000L;
        long lo = random.nextLong() & ~(0xC000_0000_0000_0000L) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo).toString();
    }
}
