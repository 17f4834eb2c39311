package dev.ledger.core;

import dev.ledger.core.config.CoreConfig;
import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Test helpers: a core config on fresh topics, mutations written like the server does, the journal read back. Public
 * for the journal package's tests.
 */
public final class CoreFixture {

    public final EmbeddedKafka kafka;
    public final String prefix;

    public CoreFixture(EmbeddedKafka kafka, String prefix) {
        this.kafka = kafka;
        this.prefix = prefix;
    }

    public CoreConfig.Builder config() {
        return CoreConfig.builder().bootstrapServers(kafka.bootstrapServers()).mutationsTopic(prefix + ".mutations")
                .decisionsTopic(prefix + ".decisions").snapshotsTopic(prefix + ".snapshots")
                .leaseTopic(prefix + ".lease").groupId(prefix + "-core").transactionalId(prefix + "-core")
                .adminBindAddress("127.0.0.1").adminPort(0).decisionsPartitions(2);
    }

    public void createMutationsTopic(int partitions) {
        kafka.createTopic(prefix + ".mutations", partitions, 1, Map.of());
    }

    /** Writes values to partition 0 in order, with a server-id header; returns their offsets' count. */
    public void write(List<byte[]> values) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (byte[] v : values) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(prefix + ".mutations", 0, null, v);
                r.headers().add(MutationHeaders.SERVER_ID, "server-a".getBytes(StandardCharsets.UTF_8));
                producer.send(r);
            }
            producer.flush();
        }
    }

    /** Every committed journal record, in sequence order. */
    public List<Decision> journal() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<Decision> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(prefix + ".decisions").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("journal not read to its end in 30 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    try {
                        out.add(Decision.parseFrom(r.value()));
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError("journal record does not parse", e);
                    }
                }
            }
        }
        out.sort((a, b) -> Long.compare(a.getSequence(), b.getSequence()));
        return out;
    }

    /** Waits until the journal holds at least {@code count} decisions; returns them. */
    public List<Decision> awaitJournal(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Decision> j = journal();
        while (j.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("journal has " + j.size() + " decisions, expected " + count + " within "
                        + timeout);
            }
            Thread.sleep(200);
            j = journal();
        }
        return j;
    }

    public static String id() {
        return UUID.randomUUID().toString();
    }

    public static byte[] create(String account, AccountGroup group) {
        return MutationEvent.newBuilder().setEventId(id()).setCreateAccount(CreateAccount.newBuilder()
                .setAccountId(account).setCurrency("USD").setGroup(group).setDisplayName(account)).build().toByteArray();
    }

    public static byte[] topUp(String account, String settlement, long amount) {
        return MutationEvent.newBuilder().setEventId(id()).setTopUp(TopUp.newBuilder().setAccountId(account)
                .setSettlementAccountId(settlement).setAmountMinor(amount).setCurrency("USD")).build().toByteArray();
    }

    public static byte[] transfer(String eventId, String payer, String payee, long amount) {
        return MutationEvent.newBuilder().setEventId(eventId).setTransfer(Transfer.newBuilder()
                .setPayerAccountId(payer).setPayeeAccountId(payee).setAmountMinor(amount).setCurrency("USD"))
                .build().toByteArray();
    }
}
