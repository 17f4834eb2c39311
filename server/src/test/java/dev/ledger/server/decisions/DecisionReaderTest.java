package dev.ledger.server.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import dev.ledger.core.journal.DecisionKeys;
import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The decision reader on Kafka's MockConsumer: its partition, its key filter, and its survival of Kafka failures. */
@Timeout(30)
class DecisionReaderTest {

    private static final String TOPIC = "ledger.decisions";
    private static final String SERVER = "srv-a";

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
    private final DecisionRouter router = new DecisionRouter();
    private final List<AwaitedDecisions> done = new CopyOnWriteArrayList<>();

    private void partitions(int count) {
        List<PartitionInfo> infos = new ArrayList<>();
        Map<TopicPartition, Long> ends = new java.util.HashMap<>();
        for (int p = 0; p < count; p++) {
            infos.add(new PartitionInfo(TOPIC, p, Node.noNode(), new Node[0], new Node[0]));
            ends.put(new TopicPartition(TOPIC, p), 0L);
        }
        consumer.updatePartitions(TOPIC, infos);
        consumer.updateEndOffsets(ends);
        consumer.updateBeginningOffsets(ends);
    }

    private static int partitionOf(String serverId, int count) {
        return DecisionKeys.partitionFor(DecisionKeys.keyOf(serverId), count);
    }

    private AwaitedDecisions awaiting(String eventId) {
        AwaitedDecisions a = new AwaitedDecisions(1, 1, done::add);
        a.register(0, eventId, router);
        a.ackWritten(new boolean[] {true});
        return a;
    }

    private void decide(int partition, long offset, String key, String eventId) {
        record(partition, offset, key, Decision.newBuilder().setEventId(eventId).setOutcome(Outcome.OUTCOME_APPLIED)
                .build().toByteArray());
    }

    private void record(int partition, long offset, String key, byte[] value) {
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(TOPIC, partition, offset,
                key.getBytes(StandardCharsets.UTF_8), value)));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(end);
            Thread.sleep(10);
        }
    }

    @Test
    void readsOnlyItsKeysPartitionAndSkipsAnotherServersKey() throws Exception {
        partitions(4);
        AwaitedDecisions mine = awaiting("e-1");
        DecisionReader reader = new DecisionReader(consumer, TOPIC, SERVER, router).startReading();
        try {
            int p = partitionOf(SERVER, 4);
            assertThat(consumer.assignment()).containsExactly(new TopicPartition(TOPIC, p));
            decide(p, 0, "other-server", "e-1");
            decide(p, 1, SERVER, "e-1");
            await(() -> !done.isEmpty());
            assertThat(done).containsExactly(mine);
            assertThat(reader.skipped()).isEqualTo(1);
            assertThat(reader.delivered()).isEqualTo(1);
        } finally {
            reader.close();
        }
    }

    @Test
    void aUuidIdIsRoutedStraightFromTheRecordsBytes() throws Exception {
        partitions(1);
        String id = java.util.UUID.randomUUID().toString();
        AwaitedDecisions a = awaiting(id);
        AwaitedDecisions other = awaiting(id.toUpperCase());
        byte[] whole = Decision.newBuilder().setEventId(id).setOutcome(Outcome.OUTCOME_APPLIED)
                .addBalances(AccountBalance.newBuilder().setAccountId("acct-1").setBalanceMinor(5)).build()
                .toByteArray();
        DecisionReader reader = new DecisionReader(consumer, TOPIC, SERVER, router).startReading();
        try {
            record(0, 0, SERVER, whole);
            await(() -> !done.isEmpty());
            assertThat(done).containsExactly(a);
            assertThat(reader.delivered()).isEqualTo(1);
            assertThat(a.finish(router)).singleElement().isSameAs(whole);
            assertThat(other.complete()).as("the uppercase form is another id").isFalse();
        } finally {
            reader.close();
        }
    }

    @Test
    void aKafkaFailureCostsAPauseNotTheReader() throws Exception {
        partitions(1);
        AwaitedDecisions a = awaiting("e-1");
        DecisionReader reader = new DecisionReader(consumer, TOPIC, SERVER, router).startReading();
        try {
            consumer.setPollException(new KafkaException("connection reset"));
            await(() -> reader.failures() > 0);
            decide(0, 0, SERVER, "e-1");
            await(() -> !done.isEmpty());
            assertThat(reader.alive()).isTrue();
            assertThat(done).containsExactly(a);
        } finally {
            reader.close();
        }
        assertThat(reader.alive()).isFalse();
    }

    @Test
    void aMissingTopicIsWaitedForWithoutFailing() throws Exception {
        DecisionReader reader = new DecisionReader(consumer, TOPIC, SERVER, router).startReading();
        try {
            assertThat(consumer.assignment()).isEmpty();
            partitions(2);
            await(() -> !consumer.assignment().isEmpty());
            assertThat(consumer.assignment()).containsExactly(new TopicPartition(TOPIC, partitionOf(SERVER, 2)));
            assertThat(reader.alive()).isTrue();
        } finally {
            reader.close();
        }
    }

    @Test
    void anUnreadableRecordIsSkippedAndCountedAndTheNextOneStillDelivered() throws Exception {
        partitions(1);
        AwaitedDecisions a = awaiting("e-1");
        byte[] truncated = Arrays.copyOf(Decision.newBuilder().setEventId("e-1").setReason("cut short").build()
                .toByteArray(), 12);
        byte[] whole = Decision.newBuilder().setEventId("e-1").setOutcome(Outcome.OUTCOME_REJECTED)
                .setReasonCode(ReasonCode.REASON_INSUFFICIENT_FUNDS).addBalances(AccountBalance.newBuilder()
                        .setAccountId("acct-1").setBalanceMinor(5)).build().toByteArray();
        DecisionReader reader = new DecisionReader(consumer, TOPIC, SERVER, router).startReading();
        try {
            record(0, 0, SERVER, new byte[] {10, 3, 'e', '-', '1', (byte) 0xFF}); // a dangling tag after the id
            record(0, 1, SERVER, truncated);
            record(0, 2, SERVER, whole);
            await(() -> !done.isEmpty());
            assertThat(reader.skipped()).isEqualTo(2);
            assertThat(reader.read()).isEqualTo(3);
            assertThat(reader.delivered()).isEqualTo(1);
            assertThat(a.finish(router)).singleElement().as("the record's bytes, not a re-encoding").isSameAs(whole);
        } finally {
            reader.close();
        }
    }

    @Test
    void aRecordWhoseIdIsNotFirstIsStillRoutedByItsId() throws Exception {
        partitions(1);
        AwaitedDecisions a = awaiting("é-2");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeEnum(Decision.OUTCOME_FIELD_NUMBER, Outcome.OUTCOME_APPLIED_VALUE);
        out.writeString(Decision.EVENT_ID_FIELD_NUMBER, "é-2");
        out.flush();
        DecisionReader reader = new DecisionReader(consumer, TOPIC, SERVER, router).startReading();
        try {
            record(0, 0, SERVER, bytes.toByteArray());
            await(() -> !done.isEmpty());
            assertThat(reader.delivered()).isEqualTo(1);
            assertThat(reader.skipped()).isZero();
            assertThat(Decision.parseFrom(a.finish(router).get(0)).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        } finally {
            reader.close();
        }
    }
}
