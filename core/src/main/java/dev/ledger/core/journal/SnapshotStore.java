package dev.ledger.core.journal;

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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes state snapshots for the compacted snapshots topic and finds the newest complete one. A snapshot is the
 * {@link SnapshotCodec} encoding cut into chunks (partition 0, keys {@code chunk-<slot>-<index>}) and a
 * {@link SnapshotManifest} (partition 1, key {@code manifest}); {@link SnapshotWriter} writes them over several
 * transactions. A read_committed reader sees a manifest only once every chunk it names is committed, and the loader
 * takes exactly the chunks the newest manifest names (its snapshot id, from its first chunk's offset). Blocking; used
 * by the core loop's thread only.
 */
final class SnapshotStore {

    /** The largest chunk: the topic's {@code max.message.bytes} and the producer's request size allow for it. */
    static final int CHUNK_BYTES = 512 * 1024;
    static final int CHUNK_PARTITION = 0;
    static final int MANIFEST_PARTITION = 1;
    static final byte[] MANIFEST_KEY = "manifest".getBytes(StandardCharsets.UTF_8);
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
     * The key of a chunk: {@code chunk-<slot>-<index>}. Slot 0 is the layout of cores before slots
     * ({@code chunk-<index>}, each snapshot overwriting the last); it is still read and deleted, never written.
     */
    static byte[] chunkKey(int slot, int index) {
        String key = slot == 0 ? String.format("chunk-%06d", index) : String.format("chunk-%d-%06d", slot, index);
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** The slot a new snapshot writes to: never the one of the newest complete snapshot (null: none yet). */
    static int nextSlot(SnapshotManifest newest) {
        return newest != null && newest.getChunkSlot() == 1 ? 2 : 1;
    }

    /**
     * Encodes the ledger's state into memory, cut into pages of {@code chunkBytes} (the last one shorter). The ledger
     * must not change meanwhile: the caller is the thread that owns it, so the pages hold the state of this moment.
     */
    static List<byte[]> encode(Ledger ledger, int chunkBytes) throws IOException {
        return begin(ledger, chunkBytes).finish();
    }

    /**
     * {@link #encode} in two parts: this part on the ledger's owner thread, which may change the ledger as soon as it
     * returns (see {@link SnapshotCodec#begin}); {@link Encoding#finish} on any thread, once.
     */
    static Encoding begin(Ledger ledger, int chunkBytes) throws IOException {
        Pages pages = new Pages(chunkBytes);
        return new Encoding(pages, SnapshotCodec.begin(ledger, pages));
    }

    /** A snapshot encoding under way: its header and accounts in pages already, its ids still to write. */
    static final class Encoding {
        private final Pages pages;
        private final SnapshotCodec.Rest rest;

        private Encoding(Pages pages, SnapshotCodec.Rest rest) {
            this.pages = pages;
            this.rest = rest;
        }

        /** Encodes the rest and returns the pages; once. */
        List<byte[]> finish() throws IOException {
            rest.finish();
            pages.close();
            return pages.pages;
        }
    }

    /**
     * The newest manifest in the topic, or null when there is none: the snapshot a new one must not overwrite and
     * will supersede. Reads the small manifest partition to its end.
     */
    static SnapshotManifest newestManifest(CoreConfig config, Duration timeout, Runnable progress) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(config, "snapshot-manifests")) {
            return newestManifest(consumer, config.snapshotsTopic(), timeout, progress);
        }
    }

    private static SnapshotManifest newestManifest(KafkaConsumer<byte[], byte[]> consumer, String topic,
            Duration timeout, Runnable progress) {
        SnapshotManifest manifest = null;
        TopicPartition manifests = new TopicPartition(topic, MANIFEST_PARTITION);
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(consumer, manifests, -1, timeout, progress, null)) {
            if (r.value() == null) {
                continue; // no core writes a tombstone here; one must still not stop a recovery
            }
            try {
                manifest = SnapshotManifest.parseFrom(r.value());
            } catch (InvalidProtocolBufferException e) {
                log.warn("skipping an unreadable snapshot manifest at offset {}: {}", r.offset(), e.getMessage());
            }
        }
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
            SnapshotManifest manifest = newestManifest(consumer, config.snapshotsTopic(), timeout, progress);
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
                if (r.value() == null) {
                    return true; // a tombstone: an older snapshot's chunk deleted
                }
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

    /** Collects the encoding in pages of one chunk each, so that nothing is copied to grow. */
    private static final class Pages extends OutputStream {
        private final int pageBytes;
        final List<byte[]> pages = new ArrayList<>();
        private byte[] page;
        private int filled;

        Pages(int pageBytes) {
            this.pageBytes = pageBytes;
            this.page = new byte[pageBytes];
        }

        @Override
        public void write(int b) {
            if (filled == pageBytes) {
                turn();
            }
            page[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (filled == pageBytes) {
                    turn();
                }
                int n = Math.min(len, pageBytes - filled);
                System.arraycopy(b, off, page, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() {
            if (page != null && (filled > 0 || pages.isEmpty())) {
                pages.add(filled == pageBytes ? page : Arrays.copyOf(page, filled));
            }
            page = null;
        }

        private void turn() {
            pages.add(page);
            page = new byte[pageBytes];
            filled = 0;
        }
    }
}
