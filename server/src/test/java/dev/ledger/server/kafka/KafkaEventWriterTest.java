package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.core.rules.WireEvent;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.Status;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The writer on plain objects, with Kafka's own {@link MockProducer} (completed by hand) in place of a broker:
 * what a record carries, what it costs the byte budget, what feeds the circuit, and how each outcome reaches the
 * event's result. The same paths against a real broker: {@code LedgerServerTest}, {@code ConnectionHygieneTest}.
 */
class KafkaEventWriterTest {

    private static final String TOPIC = "t";
    private static final byte[] CLIENT = "app".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PRINCIPAL = "anonymous".getBytes(StandardCharsets.UTF_8);

    /** Holds the producer slot's maintenance tasks instead of running them: a replacement stays under way. */
    private final HeldTasks maintenance = new HeldTasks();
    private final Map<Integer, EventResult> results = new ConcurrentHashMap<>();
    private final ResultSink sink = (index, result) -> assertThat(results.put(index, result))
            .as("a second result for event %d", index).isNull();

    @AfterEach
    void stop() {
        maintenance.shutdownNow();
    }

    private static MockProducer<byte[], byte[]> producer(int partitions) {
        Node node = new Node(0, "localhost", 9092);
        List<PartitionInfo> infos = IntStream.range(0, partitions)
                .mapToObj(p -> new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node})).toList();
        return new MockProducer<>(new Cluster("c", List.of(node), infos, Set.of(), Set.of()), false, null,
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaEventWriter writer(Producer<byte[], byte[]> producer, List<Integer> partitions, ByteBudget budget,
            KafkaCircuit circuit) {
        ProducerSlot slot = new ProducerSlot(producer, () -> producer(partitions.size()), TOPIC, maintenance,
                Duration.ofSeconds(5));
        return new KafkaEventWriter(slot, TOPIC, partitions, "server-1", budget, circuit);
    }

    private static KafkaCircuit closedCircuit() {
        return new KafkaCircuit(3, 60_000, 60_000);
    }

    private static MutationEvent transfer(String id) {
        return MutationEvent.newBuilder().setEventId(id).setTransfer(Transfer.newBuilder().setPayerAccountId("payer")
                .setPayeeAccountId("payee").setAmountMinor(10).setCurrency("EUR")).build();
    }

    private static MutationEvent snapshot(String id) {
        return MutationEvent.newBuilder().setEventId(id).setSnapshot(Snapshot.newBuilder().setLabel("s")).build();
    }

    /** Writes {@code event} as the server does: key, snapshot flag and event id read from its bytes. */
    private void write(KafkaEventWriter writer, MutationEvent event, int index) {
        byte[] bytes = event.toByteArray();
        WireEvent wire = new WireEvent();
        assertThat(wire.read(bytes)).isNull();
        writer.write(wire.eventId(), KafkaEventWriter.key(wire),
                wire.bodyField() == MutationEvent.SNAPSHOT_FIELD_NUMBER, bytes, writer.headersFor(CLIENT, PRINCIPAL),
                sink, index);
    }

    /** What one record of {@code event} costs the budget: value, key, the Submit's headers and the overhead. */
    private static long cost(KafkaEventWriter writer, MutationEvent event, String key) {
        return event.getSerializedSize() + key.getBytes(StandardCharsets.UTF_8).length
                + writer.headersFor(CLIENT, PRINCIPAL).sizeBytes() + KafkaEventWriter.RECORD_OVERHEAD_BYTES;
    }

    @Test
    void anEventIsAcceptedOnlyOnceKafkaAcknowledgesItWithItsPartitionAndOffset() {
        MockProducer<byte[], byte[]> producer = producer(1);
        KafkaEventWriter writer = writer(producer, List.of(0), new ByteBudget(1 << 20), closedCircuit());
        write(writer, transfer("a"), 0);
        write(writer, transfer("b"), 1);
        assertThat(results).isEmpty();

        producer.completeNext();
        producer.completeNext();

        assertThat(results.get(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
        assertThat(results.get(0).getEventId()).isEqualTo("a");
        assertThat(results.get(1).getOffset()).isEqualTo(1);
        assertThat(results.get(1).getPartition()).isZero();
    }

    @Test
    void theRecordIsTheEventsBytesKeyedByWhatItMovesWithTheSubmitsHeaders() {
        MockProducer<byte[], byte[]> producer = producer(3);
        KafkaEventWriter writer = writer(producer, List.of(0, 1, 2), new ByteBudget(1 << 20), closedCircuit());
        MutationEvent topUp = MutationEvent.newBuilder().setEventId("t").setTopUp(TopUp.newBuilder()
                .setAccountId("acct").setSettlementAccountId("s").setAmountMinor(1).setCurrency("EUR")).build();
        MutationEvent create = MutationEvent.newBuilder().setEventId("c").setCreateAccount(CreateAccount.newBuilder()
                .setAccountId("new-acct").setCurrency("EUR")).build();
        write(writer, transfer("x"), 0);
        write(writer, topUp, 1);
        write(writer, create, 2);

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("payer", "acct", "new-acct");
        assertThat(sent.get(0).value()).isEqualTo(transfer("x").toByteArray());
        assertThat(sent.get(0).topic()).isEqualTo(TOPIC);
        assertThat(sent.get(0).partition()).as("chosen by the key").isNull();
        ProducerRecord<byte[], byte[]> record = sent.get(1);
        assertThat(new String(record.headers().lastHeader(MutationHeaders.CLIENT_NAME).value(), StandardCharsets.UTF_8))
                .isEqualTo("app");
        assertThat(new String(record.headers().lastHeader(MutationHeaders.SERVER_ID).value(), StandardCharsets.UTF_8))
                .isEqualTo("server-1");
        assertThat(record.headers().toArray()).extracting(org.apache.kafka.common.header.Header::key)
                .as("server-id last: the core's lastHeader decodes keys from the end")
                .containsExactly(MutationHeaders.INGEST_TS, MutationHeaders.CLIENT_NAME, MutationHeaders.PRINCIPAL,
                        MutationHeaders.SERVER_ID);
        long ingestTs = Long.parseLong(new String(record.headers().lastHeader(MutationHeaders.INGEST_TS).value(),
                StandardCharsets.US_ASCII));
        assertThat(ingestTs).isPositive();
    }

    @Test
    void theHeadersASubmitsRecordsShareCannotBeChangedAfterTheFirstSend() {
        KafkaEventWriter.SubmitHeaders headers = writer(producer(1), List.of(0), new ByteBudget(1000),
                closedCircuit()).headersFor(CLIENT, PRINCIPAL);
        assertThatThrownBy(() -> headers.headers().add(new RecordHeader("x", new byte[1])))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theHeadersSizeIsEveryHeadersNameAndValue() {
        KafkaEventWriter.SubmitHeaders headers = writer(producer(1), List.of(0), new ByteBudget(1000),
                closedCircuit()).headersFor(CLIENT, PRINCIPAL);
        int size = 0;
        for (Header h : headers.headers()) {
            size += h.key().length() + h.value().length;
        }
        assertThat(headers.sizeBytes()).isEqualTo(size);
    }

    @Test
    void anEventThatExactlyFillsTheBudgetIsSentAndOneByteMoreIsOverloaded() {
        MockProducer<byte[], byte[]> producer = producer(1);
        KafkaEventWriter probe = writer(producer, List.of(0), new ByteBudget(1), closedCircuit());
        long cost = cost(probe, transfer("a"), "payer");

        KafkaEventWriter exact = writer(producer, List.of(0), new ByteBudget(cost), closedCircuit());
        write(exact, transfer("a"), 0);
        assertThat(producer.history()).hasSize(1);
        assertThat(exact.budget().usedBytes()).isEqualTo(cost);

        KafkaEventWriter tight = writer(producer, List.of(0), new ByteBudget(cost - 1), closedCircuit());
        write(tight, transfer("b"), 1);
        assertThat(producer.history()).as("nothing sent").hasSize(1);
        assertThat(results.get(1).getStatus()).isEqualTo(Status.STATUS_OVERLOADED);
        assertThat(results.get(1).getReason()).contains("0 of " + (cost - 1) + " bytes");
        assertThat(tight.budget().usedBytes()).isZero();
    }

    @Test
    void theBudgetIsGivenBackWhenKafkaAnswersEitherWay() {
        MockProducer<byte[], byte[]> producer = producer(1);
        KafkaEventWriter writer = writer(producer, List.of(0), new ByteBudget(1 << 20), closedCircuit());
        write(writer, transfer("a"), 0);
        write(writer, transfer("b"), 1);
        assertThat(writer.budget().usedBytes()).isEqualTo(2 * cost(writer, transfer("a"), "payer"));
        producer.completeNext();
        producer.errorNext(new TimeoutException("expired"));
        assertThat(writer.budget().usedBytes()).isZero();
        assertThat(results.get(1).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
    }

    @Test
    void aSuccessBetweenKafkaFailuresKeepsTheCircuitClosed() {
        MockProducer<byte[], byte[]> producer = producer(1);
        KafkaEventWriter writer = writer(producer, List.of(0), new ByteBudget(1 << 20), new KafkaCircuit(2, 60_000,
                60_000));
        for (int i = 0; i < 3; i++) {
            write(writer, transfer("e" + i), i);
        }
        producer.errorNext(new TimeoutException("broker slow"));
        producer.completeNext();
        producer.errorNext(new TimeoutException("broker slow"));
        assertThat(writer.circuit().isOpen()).as("the success reset the count").isFalse();

        write(writer, transfer("e3"), 3);
        producer.errorNext(new TimeoutException("broker slow"));
        assertThat(writer.circuit().isOpen()).as("two failures in a row").isTrue();
    }

    @Test
    void whileTheCircuitIsOpenEventsAreUnavailableAtOnceAndNothingIsSent() {
        MockProducer<byte[], byte[]> producer = producer(1);
        KafkaCircuit circuit = new KafkaCircuit(1, 60_000, 60_000);
        circuit.onFailure("broker gone");
        KafkaEventWriter writer = writer(producer, List.of(0), new ByteBudget(1 << 20), circuit);
        write(writer, transfer("a"), 0);
        assertThat(producer.history()).isEmpty();
        assertThat(results.get(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
        assertThat(results.get(0).getReason()).contains("broker gone");
        assertThat(writer.budget().usedBytes()).isZero();
    }

    @Test
    void aRecordKafkaCanNeverTakeIsInvalidAndDoesNotTripTheCircuit() {
        MockProducer<byte[], byte[]> producer = producer(1);
        KafkaEventWriter writer = writer(producer, List.of(0), new ByteBudget(1 << 20), new KafkaCircuit(1, 60_000,
                60_000));
        write(writer, transfer("a"), 0);
        producer.errorNext(new RecordTooLargeException("too big"));
        assertThat(results.get(0).getStatus()).isEqualTo(Status.STATUS_INVALID);
        assertThat(writer.circuit().isOpen()).isFalse();
    }

    @Test
    void aSendThatThrowsAnswersTheEventOnceAndGivesTheBudgetBack() {
        MockProducer<byte[], byte[]> producer = producer(1);
        KafkaEventWriter writer = writer(producer, List.of(0), new ByteBudget(1 << 20), new KafkaCircuit(1, 60_000,
                60_000));
        producer.sendException = new TimeoutException("no metadata");
        write(writer, transfer("a"), 0);
        assertThat(results.get(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
        assertThat(results.get(0).getReason()).contains("no metadata");
        assertThat(writer.budget().usedBytes()).isZero();
        assertThat(writer.circuit().isOpen()).as("Kafka is unreachable").isTrue();
    }

    @Test
    void aFatalProducerFailureStartsAReplacementKeepsTheCircuitClosedAndRefusesNewEvents() {
        MockProducer<byte[], byte[]> producer = producer(1);
        KafkaEventWriter writer = writer(producer, List.of(0), new ByteBudget(1 << 20), new KafkaCircuit(1, 60_000,
                60_000));
        write(writer, transfer("a"), 0);
        producer.errorNext(new ClusterAuthorizationException("no IdempotentWrite"));
        assertThat(results.get(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
        assertThat(writer.circuit().isOpen()).isFalse();
        assertThat(maintenance.tasks).as("the replacement, scheduled").hasSize(1);

        write(writer, transfer("b"), 1);
        assertThat(producer.history()).as("nothing more sent").hasSize(1);
        assertThat(results.get(1).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
        assertThat(results.get(1).getReason()).contains("being replaced").contains("no IdempotentWrite");
    }

    @Test
    void aSnapshotGoesToEveryPartitionAndIsAcceptedWithTheLowestOnceAllAreStored() {
        MockProducer<byte[], byte[]> producer = producer(3);
        KafkaEventWriter writer = writer(producer, List.of(0, 1, 2), new ByteBudget(1 << 20), closedCircuit());
        write(writer, snapshot("snap"), 0);

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::partition).containsExactly(0, 1, 2);
        assertThat(sent).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("snap"));
        assertThat(writer.budget().usedBytes()).isEqualTo(3 * cost(writer, snapshot("snap"), "snap"));
        producer.completeNext();
        producer.completeNext();
        assertThat(results).as("one copy still unstored").isEmpty();
        producer.completeNext();

        EventResult result = results.get(0);
        assertThat(result.getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
        assertThat(result.getPartition()).isZero();
        assertThat(writer.budget().usedBytes()).isZero();
    }

    @Test
    void aSnapshotWithOneFailedCopyIsUnavailable() {
        MockProducer<byte[], byte[]> producer = producer(2);
        KafkaEventWriter writer = writer(producer, List.of(0, 1), new ByteBudget(1 << 20), closedCircuit());
        write(writer, snapshot("snap"), 0);
        producer.completeNext();
        producer.errorNext(new TimeoutException("partition 1 leader gone"));
        assertThat(results.get(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
        assertThat(results.get(0).getReason()).contains("partition 1 leader gone");
    }

    @Test
    void partitionsAddedToTheTopicAreAdoptedAndNeverDropped() {
        MockProducer<byte[], byte[]> producer = producer(4);
        KafkaEventWriter writer = writer(producer, List.of(0, 1), new ByteBudget(1 << 20), closedCircuit());
        writer.refreshPartitions();
        assertThat(writer.partitions()).containsExactly(0, 1, 2, 3);

        KafkaEventWriter ahead = writer(producer(1), List.of(0, 1), new ByteBudget(1 << 20), closedCircuit());
        ahead.refreshPartitions();
        assertThat(ahead.partitions()).as("a shorter list is ignored").containsExactly(0, 1);

        MockProducer<byte[], byte[]> noMetadata = producer(4);
        noMetadata.partitionsForException = new TimeoutException("no metadata");
        KafkaEventWriter blind = writer(noMetadata, List.of(0, 1), new ByteBudget(1 << 20), closedCircuit());
        blind.refreshPartitions();
        assertThat(blind.partitions()).containsExactly(0, 1);
    }

    @Test
    void partitionsAreNotReadFromAProducerBeingReplaced() {
        MockProducer<byte[], byte[]> producer = producer(4);
        KafkaEventWriter writer = writer(producer, List.of(0, 1), new ByteBudget(1 << 20), closedCircuit());
        write(writer, transfer("a"), 0);
        producer.errorNext(new ClusterAuthorizationException("no IdempotentWrite"));
        assertThat(writer.producers().isReplacing()).isTrue();
        writer.refreshPartitions();
        assertThat(writer.partitions()).containsExactly(0, 1);
    }

    @Test
    void aSnapshotAfterARefreshGoesToTheNewPartitionsToo() {
        MockProducer<byte[], byte[]> producer = producer(3);
        KafkaEventWriter writer = writer(producer, List.of(0), new ByteBudget(1 << 20), closedCircuit());
        writer.refreshPartitions();
        write(writer, snapshot("snap"), 0);
        List<Integer> partitions = new ArrayList<>();
        producer.history().forEach(r -> partitions.add(r.partition()));
        assertThat(partitions).containsExactly(0, 1, 2);
    }

    private static final class HeldTasks extends ScheduledThreadPoolExecutor {
        final List<Runnable> tasks = new ArrayList<>();

        HeldTasks() {
            super(1);
        }

        @Override
        public synchronized ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            tasks.add(task);
            return null;
        }
    }
}
