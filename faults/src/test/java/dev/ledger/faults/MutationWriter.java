package dev.ledger.faults;

import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes ledger mutations straight to the mutations topic the way the server does (acks=all, idempotence, key by
 * account, a server-id header), on its own thread at a steady rate: first the accounts, then a mix of top-ups and
 * transfers of which many overdraw their payer, plus resends of earlier events. Thread-safe to start and stop.
 */
final class MutationWriter implements AutoCloseable {

    static final int CUSTOMERS = 20;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int perSecond;
    private final AtomicLong written = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    MutationWriter(String bootstrap, String topic, int perSecond, long seed) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.perSecond = perSecond;
        this.thread = new Thread(() -> run(new Random(seed)), "mutation-writer");
    }

    MutationWriter start() {
        thread.start();
        return this;
    }

    long written() {
        return written.get();
    }

    private void run(Random random) {
        send("bank", create("bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT));
        for (int i = 0; i < CUSTOMERS; i++) {
            send("c" + i, create("c" + i, AccountGroup.ACCOUNT_GROUP_CUSTOMER));
        }
        producer.flush(); // accounts first, so that most later events find them
        MutationEvent last = null;
        long pauseNanos = 1_000_000_000L / perSecond;
        while (running) {
            MutationEvent e;
            int kind = random.nextInt(10);
            String a = "c" + random.nextInt(CUSTOMERS);
            if (kind == 0 && last != null) {
                e = last; // a resend: must come back as a duplicate
            } else if (kind < 3) {
                e = event().setTopUp(TopUp.newBuilder().setAccountId(a).setSettlementAccountId("bank")
                        .setAmountMinor(1 + random.nextInt(500)).setCurrency("USD")).build();
            } else {
                String b = "c" + ((Integer.parseInt(a.substring(1)) + 1 + random.nextInt(CUSTOMERS - 1)) % CUSTOMERS);
                e = event().setTransfer(Transfer.newBuilder().setPayerAccountId(a).setPayeeAccountId(b)
                        .setAmountMinor(1 + random.nextInt(800)).setCurrency("USD")).build();
            }
            last = e;
            send(e.hasTopUp() ? e.getTopUp().getAccountId() : e.getTransfer().getPayerAccountId(), e);
            java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
        }
    }

    private static MutationEvent.Builder event() {
        return MutationEvent.newBuilder().setEventId(UUID.randomUUID().toString());
    }

    private static MutationEvent create(String id, AccountGroup group) {
        return event().setCreateAccount(CreateAccount.newBuilder().setAccountId(id).setCurrency("USD")
                .setGroup(group).setDisplayName(id)).build();
    }

    private void send(String key, MutationEvent e) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                e.toByteArray());
        r.headers().add(MutationHeaders.SERVER_ID, "faults-writer".getBytes(StandardCharsets.UTF_8));
        producer.send(r, (md, ex) -> {
            if (ex == null) {
                written.incrementAndGet();
            }
        });
    }

    @Override
    public void close() {
        stopAndFlush();
    }

    /** Stops writing and waits until every record sent is acknowledged; idempotent. */
    void stopAndFlush() {
        if (!thread.isAlive() && !running) {
            return;
        }
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
        producer.close();
    }
}
