package dev.ledger.core.journal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.PartitionOffset;
import dev.ledger.proto.SnapshotChunk;
import dev.ledger.proto.SnapshotManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and finds state snapshots in the compacted snapshots topic. A snapshot is the {@link SnapshotCodec}
 * encoding cut into {@link #CHUNK_BYTES} chunks (partition 0, keys {@code chunk-<index>}), then a
 * {@link SnapshotManifest} (partition 1, key {@code manifest}), all in one Kafka transaction: a read_committed reader
 * sees the manifest only if every chunk is there. Compaction keeps the newest chunk of each index and the newest
 * manifest. Blocking; used by the core loop's thread only.
 */
final class SnapshotStore {

    static final int CHUNK_BYTES = 512 * 1024;
    static final int CHUNK_PARTITION = 0;
    static final int MANIFEST_PARTITION = 1;
    private static final byte[] MANIFEST_KEY = "manifest".getBytes(StandardCharsets.UTF_8);
    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);

    /** A loaded snapshot: the state and where to resume the journal. */
    record Loaded(Ledger ledger, SnapshotManifest manifest) {
        Map<Integer, Long> journalPositions() {
            Map<Integer, Long> m = new java.util.HashMap<>();
            for (PartitionOffset p : manifest.getJournalPositionsList()) {
                m.put(p.getPartition(), p.getOffset());
            }
            return m;
        }

        /** The next mutation offset per partition when the snapshot was taken (every record before it decided). */
        Map<Integer, Long> mutationPositions() {
            Map<Integer, Long> m = new java.util.HashMap<>();
            for (PartitionOffset p : manifest.getMutationPositionsList()) {
                m.put(p.getPartition(), p.getOffset());
            }
            return m;
        }
    }

    private SnapshotStore() {
    }

    /**
     * Writes the ledger's state inside the producer's open transaction; the caller commits. Returns the manifest.
     */
    static SnapshotManifest write(Producer<byte[], byte[]> producer, String topic, Ledger ledger,
            Map<Integer, Long> journalPositions, Map<Integer, Long> mutationPositions, String coreId)
            throws IOException, InterruptedException, ExecutionException {
        long id = ledger.nextSequence();
        ChunkingStream chunks = new ChunkingStream(producer, topic, id);
        SnapshotCodec.encode(ledger, chunks);
        chunks.close();
        producer.flush();
        long firstOffset = chunks.first.get().offset();
        SnapshotManifest.Builder m = SnapshotManifest.newBuilder().setSnapshotId(id).setChunkCount(chunks.count)
                .setFirstChunkOffset(firstOffset).setNextSequence(id).setStateBytes(chunks.total)
                .setAccounts(ledger.accounts().size()).setKeptIds(ledger.ids().size())
                .setCreatedAtMs(System.currentTimeMillis()).setCoreId(coreId)
                .setFormatVersion(SnapshotCodec.FORMAT_VERSION);
        journalPositions.forEach((p, o) -> m.addJournalPositions(PartitionOffset.newBuilder().setPartition(p).setOffset(o)));
        mutationPositions.forEach((p, o) -> m.addMutationPositions(PartitionOffset.newBuilder().setPartition(p).setOffset(o)));
        SnapshotManifest manifest = m.build();
        producer.send(new ProducerRecord<>(topic, MANIFEST_PARTITION, MANIFEST_KEY, manifest.toByteArray()));
        return manifest;
    }

    /**
     * The newest complete snapshot, or null when there is none (or it cannot be read: then the journal is replayed).
     *
     * @param timeout bound on each Kafka call and on a read that makes no progress (a large snapshot may take longer
     *     in all, as long as records keep coming)
     * @param progress called as records arrive, so the caller can show it is alive
     * @throws org.apache.kafka.common.KafkaException when Kafka does not answer in time (the caller retries)
     */
    static Loaded loadLatest(CoreConfig config, Duration timeout, Runnable progress) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(config, "snapshot-loader")) {
            SnapshotManifest manifest = null;
            TopicPartition manifests = new TopicPartition(config.snapshotsTopic(), MANIFEST_PARTITION);
            for (ConsumerRecord<byte[], byte[]> r : readToEnd(consumer, manifests, -1, timeout, progress, null)) {
                try {
                    manifest = SnapshotManifest.parseFrom(r.value());
                } catch (InvalidProtocolBufferException e) {
                    log.warn("skipping an unreadable snapshot manifest at offset {}: {}", r.offset(), e.getMessage());
                }
            }
            if (manifest == null) {
                return null;
            }
            if (manifest.getFormatVersion() != SnapshotCodec.FORMAT_VERSION) {
                log.warn("newest snapshot {} has format {}; replaying the journal instead", manifest.getSnapshotId(),
                        manifest.getFormatVersion());
                return null;
            }
            SnapshotManifest m = manifest;
            List<byte[]> parts = new ArrayList<>(Collections.nCopies(m.getChunkCount(), (byte[]) null));
            int[] found = {0};
            TopicPartition chunks = new TopicPartition(config.snapshotsTopic(), CHUNK_PARTITION);
            readToEnd(consumer, chunks, m.getFirstChunkOffset(), timeout, progress, r -> {
                try {
                    SnapshotChunk c = SnapshotChunk.parseFrom(r.value());
                    if (c.getSnapshotId() == m.getSnapshotId() && c.getIndex() < parts.size()
                            && parts.get(c.getIndex()) == null) {
                        parts.set(c.getIndex(), c.getData().toByteArray());
                        found[0]++;
                    }
                } catch (InvalidProtocolBufferException e) {
                    log.warn("skipping an unreadable snapshot chunk at offset {}", r.offset());
                }
                return found[0] < parts.size();
            });
            if (found[0] < parts.size()) {
                log.warn("snapshot {} has {} of {} chunks; replaying the journal instead", m.getSnapshotId(), found[0],
                        parts.size());
                return null;
            }
            List<InputStream> streams = new ArrayList<>(parts.size());
            for (byte[] p : parts) {
                streams.add(new ByteArrayInputStream(p));
            }
            Ledger ledger = SnapshotCodec.decode(new SequenceInputStream(Collections.enumeration(streams)),
                    m.getKeptIds());
            if (ledger.nextSequence() != m.getNextSequence()) {
                log.warn("snapshot {} holds sequence {}; replaying the journal instead", m.getSnapshotId(),
                        ledger.nextSequence());
                return null;
            }
            return new Loaded(ledger, m);
        } catch (IOException e) {
            log.warn("cannot decode the newest snapshot ({}); replaying the journal instead", e.getMessage());
            return null;
        }
    }

    /**
     * Reads one partition from {@code from} (-1 = beginning) to its end offset, or until the visitor says stop; fails
     * when {@code timeout} passes without a record.
     */
    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaConsumer<byte[], byte[]> consumer,
            TopicPartition tp, long from, Duration timeout, Runnable progress,
            java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        consumer.assign(List.of(tp));
        if (from < 0) {
            consumer.seekToBeginning(List.of(tp));
        } else {
            consumer.seek(tp, from);
        }
        long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
        List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < end) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading " + tp + " to offset " + end
                        + ": no record for " + timeout);
            }
            progress.run();
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                deadline = System.nanoTime() + timeout.toNanos();
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (visitor == null) {
                    kept.add(r);
                } else if (!visitor.test(r)) {
                    return kept;
                }
            }
        }
        return kept;
    }

    /** Cuts the encoded state into chunk records as it is written, so the whole encoding is never held at once. */
    private static final class ChunkingStream extends OutputStream {
        private final Producer<byte[], byte[]> producer;
        private final String topic;
        private final long snapshotId;
        private final byte[] buffer = new byte[CHUNK_BYTES];
        private int filled;
        int count;
        long total;
        Future<RecordMetadata> first;

        ChunkingStream(Producer<byte[], byte[]> producer, String topic, long snapshotId) {
            this.producer = producer;
            this.topic = topic;
            this.snapshotId = snapshotId;
        }

        @Override
        public void write(int b) {
            if (filled == buffer.length) {
                emit();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (filled == buffer.length) {
                    emit();
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() {
            if (filled > 0 || count == 0) {
                emit();
            }
        }

        private void emit() {
            byte[] value = SnapshotChunk.newBuilder().setSnapshotId(snapshotId).setIndex(count)
                    .setData(ByteString.copyFrom(buffer, 0, filled)).build().toByteArray();
            byte[] key = String.format("chunk-%06d", count).getBytes(StandardCharsets.UTF_8);
            Future<RecordMetadata> f = producer.send(new ProducerRecord<>(topic, CHUNK_PARTITION, key, value));
            if (count == 0) {
                first = f;
            }
            total += filled;
            filled = 0;
            count++;
        }
    }
}
