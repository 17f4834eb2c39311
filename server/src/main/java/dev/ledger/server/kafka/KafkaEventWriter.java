package dev.ledger.server.kafka;

import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.core.rules.WireEvent;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one validated event into Kafka record(s) and reports its outcome to a {@link ResultSink}, exactly once.
 *
 * <p>Key: {@link #key(WireEvent)}, computed by the caller from the event's bytes. A Snapshot is written to
 * every partition (explicit partition, key = event_id) and is ACCEPTED only when every copy is stored; its result
 * carries the lowest partition and that copy's offset. The partition list follows the producer's metadata: {@link
 * #refreshPartitions} runs on the {@link KafkaMaintenance} thread and swaps in a new list when partitions were
 * added; event loops only read the latest list. Value: the event bytes exactly as the client sent them.
 * Headers, in this order: {@code ingest-ts} (epoch millis as a decimal ASCII string), {@code client-name},
 * {@code principal}, {@code server-id}.
 *
 * <p>Before sending it checks the {@link KafkaCircuit} (UNAVAILABLE at once when Kafka is known to be down) and
 * takes room in the {@link ByteBudget} (OVERLOADED when there is none). {@code send()} never waits
 * ({@code max.block.ms=0}); if it throws anyway the event is answered through {@link EventResults#fromThrowable}.
 * Sends go to the {@link ProducerSlot}'s current producer; every failure is reported to the slot, which replaces
 * a fatally failed producer, and while it does so new events are answered UNAVAILABLE at once. Only failures the
 * slot does not claim (Kafka's, not a broken or retired producer's) feed the circuit.
 *
 * <p>Thread-safe; shared by every connection.
 */
public final class KafkaEventWriter {

    /** Per-record bytes beyond value, key and headers (record framing, batch share) counted against the budget. */
    static final int RECORD_OVERHEAD_BYTES = 64;


    private static final Logger log = LoggerFactory.getLogger(KafkaEventWriter.class);

    private final ProducerSlot producers;
    private final String topic;
    private volatile List<Integer> partitions;
    private final byte[] serverId;
    private final ByteBudget budget;
    private final KafkaCircuit circuit;
    private final LongConsumer sendNanos;

    public KafkaEventWriter(ProducerSlot producers, String topic, List<Integer> partitions, String serverId,
            ByteBudget budget, KafkaCircuit circuit) {
        this(producers, topic, partitions, serverId, budget, circuit, nanos -> { });
    }

    /**
     * @param sendNanos told, on a producer thread, how long a record took from {@code send()} to its callback, for
     *     the first event of each Submit (a sample, one per Submit: the server's
     *     {@code ledger_kafka_send_duration_seconds})
     */
    public KafkaEventWriter(ProducerSlot producers, String topic, List<Integer> partitions, String serverId,
            ByteBudget budget, KafkaCircuit circuit, LongConsumer sendNanos) {
        this.sendNanos = sendNanos;
        this.producers = producers;
        this.topic = topic;
        this.partitions = List.copyOf(partitions);
        this.serverId = serverId.getBytes(StandardCharsets.UTF_8);
        this.budget = budget;
        this.circuit = circuit;
    }

    /**
     * The headers of one Submit's records and their size, computed once: every event of a Submit is received at the
     * same moment from the same client, so they share one read-only header set (Kafka only reads headers once a
     * record is sent).
     */
    public record SubmitHeaders(Headers headers, int sizeBytes) {
    }

    /**
     * The headers for the records of one Submit.
     *
     * @param clientName UTF-8 bytes of the sending connection's client name (self-asserted)
     * @param principal UTF-8 bytes of the principal the server authenticated for the connection
     */
    public SubmitHeaders headersFor(byte[] clientName, byte[] principal) {
        byte[] ingestTs = Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
        RecordHeaders headers = new RecordHeaders();
        headers.add(MutationHeaders.INGEST_TS, ingestTs);
        headers.add(MutationHeaders.CLIENT_NAME, clientName);
        headers.add(MutationHeaders.PRINCIPAL, principal);
        // Last: the core finds it with lastHeader, which decodes the header keys from the end, one String each.
        headers.add(MutationHeaders.SERVER_ID, serverId);
        headers.setReadOnly();
        int size = MutationHeaders.INGEST_TS.length() + ingestTs.length + MutationHeaders.CLIENT_NAME.length() + clientName.length
                + MutationHeaders.SERVER_ID.length() + serverId.length + MutationHeaders.PRINCIPAL.length() + principal.length;
        return new SubmitHeaders(headers, size);
    }

    /**
     * Writes one valid event; the sink receives its result once, possibly before this method returns.
     *
     * @param eventId the event's event_id, for its result
     * @param key the record key, {@link #key(WireEvent)} of the event (for a Snapshot, its event id)
     * @param snapshot whether the event is a Snapshot, written to every partition
     * @param value the event exactly as received (not copied: not to be modified afterwards)
     * @param submitHeaders from {@link #headersFor}, shared by the events of one Submit
     */
    public void write(String eventId, byte[] key, boolean snapshot, byte[] value, SubmitHeaders submitHeaders,
            ResultSink sink, int index) {
        if (producers.isReplacing()) {
            sink.complete(index, EventResults.of(eventId, Status.STATUS_UNAVAILABLE, "Kafka producer is being "
                    + "replaced after a fatal error (" + producers.lastFatal() + "); retry with the same event_id"));
            return;
        }
        if (!circuit.allowSend()) {
            sink.complete(index, EventResults.of(eventId, Status.STATUS_UNAVAILABLE, circuit.refusalReason()));
            return;
        }
        List<Integer> partitions = this.partitions; // the partitions that exist now, as the producer knows them
        int copies = snapshot ? partitions.size() : 1;
        // What the record really occupies in the producer's buffer: value, key, headers and framing.
        long cost = (long) (value.length + key.length + submitHeaders.sizeBytes() + RECORD_OVERHEAD_BYTES) * copies;
        if (!budget.tryAcquire(cost)) {
            sink.complete(index, EventResults.of(eventId, Status.STATUS_OVERLOADED,
                    "server has " + budget.usedBytes() + " of " + budget.capacityBytes()
                            + " bytes in flight to Kafka; retry with backoff"));
            return;
        }
        Headers headers = submitHeaders.headers();
        if (snapshot) {
            SnapshotFanIn fanIn = new SnapshotFanIn(eventId, copies, sink, index);
            for (int partition : partitions) {
                send(new ProducerRecord<>(topic, partition, key, value, headers),
                        new RecordSend(cost / copies, false, null, index, eventId, fanIn));
            }
        } else {
            // Timed: the first event of each Submit only. A clock read costs tens of ns on a VM; two per event would
            // be a few percent of the server's CPU per event, one sample per Submit costs nothing measurable.
            send(new ProducerRecord<>(topic, null, key, value, headers),
                    new RecordSend(cost, index == 0, sink, index, eventId, null));
        }
    }

    /** The circuit, fed by the ack timeouts of the connections as well. */
    public KafkaCircuit circuit() {
        return circuit;
    }

    /** The byte budget (for metrics and tests). */
    public ByteBudget budget() {
        return budget;
    }

    /** The topic's partitions as last read from the producer's metadata, ascending. */
    public List<Integer> partitions() {
        return partitions;
    }

    /** The producer in use and its replacement after fatal failures. */
    public ProducerSlot producers() {
        return producers;
    }

    /**
     * Reads the topic's partitions from the current producer's cached metadata and adopts a longer list. Call it
     * off the event loops (the {@link KafkaMaintenance} thread): {@code partitionsFor} takes the producer's
     * metadata lock. It never waits for a metadata fetch ({@code max.block.ms=0}); the producer refreshes its
     * metadata every {@code metadata.max.age.ms}, so a new partition is seen at most that long plus this call's
     * period after it was added. Partitions are never removed in Kafka, so a shorter list is ignored.
     */
    public void refreshPartitions() {
        if (producers.isReplacing()) {
            return;
        }
        List<PartitionInfo> infos;
        try {
            infos = producers.current().partitionsFor(topic);
        } catch (RuntimeException e) {
            return; // no metadata right now (a broker outage, a producer being replaced): keep the list we have
        }
        List<Integer> seen = infos.stream().map(PartitionInfo::partition).sorted().toList();
        List<Integer> known = partitions;
        if (seen.size() > known.size()) {
            partitions = seen;
            log.warn("topic {} now has {} partitions (was {}): keys hash over {} partitions from now on, and "
                    + "Snapshots go to every one of them", topic, seen.size(), known.size(), seen.size());
        }
    }

    private void send(ProducerRecord<byte[], byte[]> record, RecordSend callback) {
        Producer<byte[], byte[]> producer = producers.current();
        callback.producer = producer;
        if (callback.timed) {
            callback.startNanos = System.nanoTime();
        }
        try {
            producer.send(record, callback);
        } catch (RuntimeException e) {
            callback.finishOnce(null, e, false);
        }
    }

    private static final AtomicIntegerFieldUpdater<RecordSend> FINISHED =
            AtomicIntegerFieldUpdater.newUpdater(RecordSend.class, "finished");

    /**
     * One record's send and its outcome, in one object (the producer's callback, then the event's result): the hot
     * path allocates this and the record, nothing else. Finishes once, whether Kafka calls back or {@code send}
     * throws.
     */
    private final class RecordSend implements Callback {
        private final long cost;
        private final boolean timed;
        private final ResultSink sink; // null for a Snapshot's copy, which reports to its fan-in
        private final int index;
        private final String eventId;
        private final SnapshotFanIn fanIn;
        private Producer<byte[], byte[]> producer; // set before send, so published to the callback's thread by it
        private long startNanos;
        @SuppressWarnings("unused") // through FINISHED
        private volatile int finished;

        RecordSend(long cost, boolean timed, ResultSink sink, int index, String eventId, SnapshotFanIn fanIn) {
            this.cost = cost;
            this.timed = timed;
            this.sink = sink;
            this.index = index;
            this.eventId = eventId;
            this.fanIn = fanIn;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception failure) {
            finishOnce(metadata, failure, timed);
        }

        void finishOnce(RecordMetadata metadata, Throwable failure, boolean recordTime) {
            if (!FINISHED.compareAndSet(this, 0, 1)) {
                return;
            }
            if (recordTime) {
                sendNanos.accept(System.nanoTime() - startNanos);
            }
            budget.release(cost);
            if (failure == null) {
                circuit.onSuccess();
            } else if (producers.onFailure(producer, failure)) {
                // The producer's failure, not Kafka's: fatal, or a record dropped by closing a replaced producer
                // ("Producer is closed forcefully."). Feeding the circuit would refuse events after a good
                // replacement.
                log.debug("failure of a fatally failed or replaced producer, kept out of the circuit: {}",
                        failure.toString());
            } else if (EventResults.isKafkaUnavailable(failure)) {
                circuit.onFailure(String.valueOf(failure.getMessage()));
            }
            if (fanIn != null) {
                fanIn.onCopy(metadata, failure);
            } else if (failure == null) {
                sink.accepted(index, eventId, metadata.partition(), metadata.offset());
            } else {
                sink.complete(index, EventResults.fromThrowable(eventId, failure));
            }
        }
    }

    /**
     * The Kafka key of an event, the rule stated once for the server (the SDK restates it in its {@code EventKeys}
     * to keep per-key order; docs/PROTOCOL.md has its key column): Transfer → payer, TopUp → account_id,
     * CreateAccount → account_id, anything else (a Snapshot, written to every partition) → event_id; UTF-8 bytes,
     * read from the event's wire bytes.
     */
    public static byte[] key(WireEvent event) {
        return switch (event.bodyField()) {
            case MutationEvent.TRANSFER_FIELD_NUMBER -> event.textBytes(Transfer.PAYER_ACCOUNT_ID_FIELD_NUMBER);
            case MutationEvent.TOP_UP_FIELD_NUMBER -> event.textBytes(TopUp.ACCOUNT_ID_FIELD_NUMBER);
            case MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER -> event.textBytes(CreateAccount.ACCOUNT_ID_FIELD_NUMBER);
            default -> event.eventIdBytes();
        };
    }

    /** Collects the per-partition outcomes of one Snapshot into its single result. Thread-safe. */
    private static final class SnapshotFanIn {
        private final String eventId;
        private final ResultSink sink;
        private final int index;
        private int remaining;
        private int lowestPartition = Integer.MAX_VALUE;
        private long lowestOffset;
        private Throwable firstFailure;

        SnapshotFanIn(String eventId, int copies, ResultSink sink, int index) {
            this.eventId = eventId;
            this.remaining = copies;
            this.sink = sink;
            this.index = index;
        }

        void onCopy(RecordMetadata metadata, Throwable failure) {
            synchronized (this) { // Snapshots are rare: a lock per copy costs nothing measurable
                if (failure != null) {
                    if (firstFailure == null) {
                        firstFailure = failure;
                    }
                } else if (metadata.partition() < lowestPartition) {
                    lowestPartition = metadata.partition();
                    lowestOffset = metadata.offset();
                }
                if (--remaining > 0) {
                    return;
                }
            }
            // The last copy: the fields are final from here on, and read by the thread that made them so.
            if (firstFailure == null) {
                sink.accepted(index, eventId, lowestPartition, lowestOffset);
            } else {
                sink.complete(index, EventResults.fromThrowable(eventId, firstFailure));
            }
        }
    }
}
