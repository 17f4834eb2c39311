package dev.ledger.core.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.IdSegment;
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
 * {@link SnapshotCodec} encoding of the header and accounts cut into chunks (partition 0, keys
 * {@code chunk-<slot>-<index>}), the kept ids in id segments (partition 0, keys
 * {@code ids-<from>-<to>-<write>-<index>}: each segment written once and shared by later snapshots, so a snapshot
 * writes the ids decided since the previous one, not the whole history), and a {@link SnapshotManifest} (partition
 * 1, key {@code manifest}) that names both;
 * {@link SnapshotWriter} writes them over several transactions. A read_committed reader sees a manifest only once
 * every chunk it names is committed, and the loader takes exactly the chunks the newest manifest names (by snapshot
 * id or segment range, from each part's first chunk's offset). Manifests of format 1 (the ids inside the state's
 * chunks) are still read. Partition 1 also holds a record {@code pending} while an id segment is being written (its
 * {@code pending_segment}), so that the chunks of a write cut short can be found and deleted. Blocking; used by the
 * core loop's thread only.
 */
final class SnapshotStore {

    /**
     * The chunks a snapshot is cut into: 256 KiB, below half of a G1 region of 1 MiB (a 2 GB heap), so that no chunk's
     * array is a humongous object. With 512 KiB chunks every snapshot allocated about 70 humongous arrays (and as
     * many in the producer's batches), and at 50,000 events/s the p99 of submit to decision was 47 ms against 25 ms.
     */
    static final int CHUNK_BYTES = 256 * 1024;
    /**
     * The largest chunk the topic's {@code max.message.bytes} and the producer's request size allow for: older cores
     * wrote 512 KiB chunks.
     */
    static final int MAX_CHUNK_BYTES = 512 * 1024;
    static final int CHUNK_PARTITION = 0;
    static final int MANIFEST_PARTITION = 1;
    static final byte[] MANIFEST_KEY = "manifest".getBytes(StandardCharsets.UTF_8);
    /**
     * Partition 1: the id segment being written (a copy of the newest manifest with its {@code pending_segment}),
     * deleted with the manifest that names it.
     */
    static final byte[] PENDING_KEY = "pending".getBytes(StandardCharsets.UTF_8);
    /** Manifest format: the state's chunks hold the ids too (cores before id segments; still read). */
    static final int FORMAT_WHOLE = 1;
    /** Manifest format: the state's chunks hold no ids; the manifest's id segments do. */
    static final int FORMAT_SEGMENTS = 2;
    /** Id segments a snapshot names at most; at this many, the next snapshot writes one segment of every id. */
    static final int MAX_SEGMENTS = 256;
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

    /** The key of an id segment's chunk: {@code ids-<from>-<to>-<write id, 16 hex digits>-<index>}. */
    static byte[] segmentKey(IdSegment segment, int index) {
        return String.format("ids-%d-%d-%016x-%06d", segment.getFromSequence(), segment.getToSequence(),
                segment.getWriteId(), index).getBytes(StandardCharsets.UTF_8);
    }

    /** A write id for a new segment: random, so that two writes of one range never share a chunk's key. */
    static long newWriteId() {
        return java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    }

    /** Whether {@code manifest} names {@code segment} (the same range written by the same write). */
    static boolean names(SnapshotManifest manifest, IdSegment segment) {
        if (manifest == null || segment == null) {
            return false;
        }
        for (IdSegment s : manifest.getIdSegmentsList()) {
            if (sameWrite(s, segment)) {
                return true;
            }
        }
        return false;
    }

    static boolean sameWrite(IdSegment a, IdSegment b) {
        return a.getFromSequence() == b.getFromSequence() && a.getToSequence() == b.getToSequence()
                && a.getWriteId() == b.getWriteId();
    }

    /**
     * What a new snapshot does with the id segments of the newest complete one: keeps the first ones as they are and
     * writes one new segment of the ids in [{@code from}, {@code to}), which absorbs the rest (their chunks are
     * deleted when it is complete).
     */
    record SegmentPlan(List<IdSegment> kept, List<IdSegment> absorbed, long from, long to) {
        SegmentPlan {
            kept = List.copyOf(kept);
            absorbed = List.copyOf(absorbed);
        }
    }

    /**
     * Plans the id segments of a snapshot at {@code nextSequence} holding {@code keptIds} ids, after {@code newest}
     * (null: none). The new segment holds the ids decided since the newest snapshot, so a snapshot writes what is new,
     * not the whole history. It absorbs the segments before it while one holds at most half as many ids as it does
     * (so segments of quiet spells and Snapshot events do not pile up, while segments of equal size stay apart); when
     * the chain is full ({@code maxSegments}), it absorbs the whole chain: one whole write every
     * {@code maxSegments} snapshots. It absorbs everything too when {@code newest} has no usable chain: none, one of
     * format 1 (ids inside its state), a chain with a gap, or {@code chainUsable} false (this core could not load it
     * for another reason than a segment); and it absorbs {@code broken} (a segment this core could not read) and
     * every segment after it.
     */
    static SegmentPlan planSegments(SnapshotManifest newest, boolean chainUsable, IdSegment broken, long nextSequence,
            long keptIds, int maxSegments) {
        List<IdSegment> chain = newest == null || newest.getFormatVersion() != FORMAT_SEGMENTS ? List.of()
                : newest.getIdSegmentsList();
        if (chain.isEmpty() || !chainUsable || !contiguous(chain, newest.getNextSequence())
                || nextSequence < newest.getNextSequence()) {
            return new SegmentPlan(List.of(), chain, 0, nextSequence);
        }
        long chainIds = 0;
        for (IdSegment s : chain) {
            chainIds += s.getIds();
        }
        long merged = Math.max(0, keptIds - chainIds);
        int keep = chain.size();
        if (keep + 1 > maxSegments) {
            keep = 0;
        } else {
            while (keep > 0 && chain.get(keep - 1).getIds() * 2 <= merged) {
                keep--;
                merged += chain.get(keep).getIds();
            }
        }
        for (int i = 0; broken != null && i < keep; i++) {
            if (sameWrite(chain.get(i), broken)) {
                keep = i;
            }
        }
        long from = keep == chain.size() ? newest.getNextSequence() : chain.get(keep).getFromSequence();
        return new SegmentPlan(chain.subList(0, keep), chain.subList(keep, chain.size()), from, nextSequence);
    }

    /** Whether the segments run from sequence 0 to {@code end} without a gap or an overlap (an empty chain: no). */
    static boolean contiguous(List<IdSegment> chain, long end) {
        long expected = 0;
        for (IdSegment s : chain) {
            if (s.getFromSequence() != expected || s.getToSequence() < expected) {
                return false;
            }
            expected = s.getToSequence();
        }
        return !chain.isEmpty() && expected == end;
    }

    /** An encoded snapshot: the state's pages (header and accounts) and the new id segment's pages. */
    record Encoded(List<byte[]> state, List<byte[]> segment, long segmentIds) {
    }

    /**
     * Encodes the ledger's state into memory, with the ids of [{@code segmentFrom}, next sequence) as its new id
     * segment, each cut into pages of {@code chunkBytes} (the last one shorter). The ledger must not change meanwhile.
     */
    static Encoded encode(Ledger ledger, int chunkBytes, long segmentFrom) throws IOException {
        return begin(ledger, chunkBytes, segmentFrom).finish();
    }

    /**
     * {@link #encode} in two parts: this part on the ledger's owner thread, which may change the ledger as soon as it
     * returns (see {@link SnapshotCodec#begin}); {@link Encoding#finish} on any thread, once.
     */
    static Encoding begin(Ledger ledger, int chunkBytes, long segmentFrom) throws IOException {
        Pages pages = new Pages(chunkBytes);
        return new Encoding(pages, SnapshotCodec.begin(ledger, pages), chunkBytes, segmentFrom,
                ledger.nextSequence());
    }

    /** A snapshot encoding under way: its header and accounts in pages already, its id segment still to write. */
    static final class Encoding {
        private final Pages pages;
        private final SnapshotCodec.Rest rest;
        private final int chunkBytes;
        private final long from;
        private final long to;

        private Encoding(Pages pages, SnapshotCodec.Rest rest, int chunkBytes, long from, long to) {
            this.pages = pages;
            this.rest = rest;
            this.chunkBytes = chunkBytes;
            this.from = from;
            this.to = to;
        }

        /** Encodes the rest and returns the pages; once. */
        Encoded finish() throws IOException {
            rest.finishWithoutIds();
            pages.close();
            Pages segment = new Pages(chunkBytes);
            long ids = rest.encodeSegment(segment, from, to);
            segment.close();
            return new Encoded(pages.pages, segment.pages, ids);
        }
    }

    /**
     * What the manifest partition holds: the newest manifest (null: none), and the id segment a write cut short left
     * pending (null: none, or the newest manifest names it).
     */
    record Newest(SnapshotManifest manifest, IdSegment leftover) {
    }

    /**
     * The newest manifest in the topic and a leftover pending segment: the snapshot a new one must not overwrite and
     * will supersede, and chunks nobody names. Reads the small manifest partition to its end.
     */
    static Newest newest(CoreConfig config, Duration timeout, Runnable progress) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(config, "snapshot-manifests")) {
            return newest(consumer, config.snapshotsTopic(), timeout, progress);
        }
    }

    private static Newest newest(KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout,
            Runnable progress) {
        SnapshotManifest manifest = null;
        IdSegment pending = null;
        TopicPartition manifests = new TopicPartition(topic, MANIFEST_PARTITION);
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(consumer, manifests, -1, timeout, progress, null)) {
            boolean isPending = Arrays.equals(r.key(), PENDING_KEY);
            if (!isPending && !Arrays.equals(r.key(), MANIFEST_KEY)) {
                continue; // no such record is written; a future kind is not misread as a manifest
            }
            if (r.value() == null) {
                if (isPending) {
                    pending = null; // the write it named completed, or its leftover was deleted
                }
                continue; // no core deletes a manifest; a tombstone there must still not stop a recovery
            }
            try {
                SnapshotManifest m = SnapshotManifest.parseFrom(r.value());
                if (isPending) {
                    pending = m.hasPendingSegment() ? m.getPendingSegment() : null;
                } else {
                    manifest = m;
                }
            } catch (InvalidProtocolBufferException e) {
                log.warn("skipping an unreadable record at offset {} of {}: {}", r.offset(), manifests,
                        e.getMessage());
            }
        }
        return new Newest(manifest, names(manifest, pending) ? null : pending);
    }

    /**
     * The newest complete snapshot, or null when there is none (or it cannot be read: then the journal is replayed).
     *
     * @param timeout bound on each Kafka call and on a read that makes no progress (a large snapshot may take longer
     *     in all, as long as records keep coming)
     * @param progress called as records arrive, so the caller can show it is alive
     * @param unusable told of the newest manifest when its snapshot cannot be read
     * @throws org.apache.kafka.common.KafkaException when Kafka does not answer in time (the caller retries)
     */
    static Loaded loadLatest(CoreConfig config, Duration timeout, Runnable progress, Unusable unusable) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(config, "snapshot-loader")) {
            for (int attempt = 1;; attempt++) {
                SnapshotManifest manifest = newest(consumer, config.snapshotsTopic(), timeout, progress).manifest();
                if (manifest == null) {
                    return null;
                }
                IdSegment[] broken = new IdSegment[1];
                boolean[] missing = new boolean[1];
                Ledger ledger = load(consumer, config, manifest, timeout, progress, broken, missing);
                if (ledger != null) {
                    return new Loaded(ledger, manifest);
                }
                if (attempt == 2 || !missing[0]) {
                    unusable.report(manifest, broken[0]);
                    return null;
                }
                // Chunks missing: once more, a moment later, since a reader can see a manifest's commit before the
                // commit of chunks that shared its transaction on the other partition.
                try {
                    Thread.sleep(LOAD_RETRY_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    unusable.report(manifest, broken[0]);
                    return null;
                }
            }
        }
    }

    /** Told of the newest manifest when its snapshot cannot be read, and of the id segment that could not be. */
    interface Unusable {
        /** @param segment the segment that failed, or null when the state or the manifest itself did */
        void report(SnapshotManifest manifest, IdSegment segment);
    }

    private static final long LOAD_RETRY_MILLIS = 1_000;

    /** The state of {@code manifest}'s snapshot, or null when it cannot be read (logged). */
    private static Ledger load(KafkaConsumer<byte[], byte[]> consumer, CoreConfig config, SnapshotManifest manifest,
            Duration timeout, Runnable progress, IdSegment[] broken, boolean[] missing) {
        try {
            int format = manifest.getFormatVersion();
            if (format != FORMAT_WHOLE && format != FORMAT_SEGMENTS) {
                log.warn("newest snapshot {} has format {}; replaying the journal instead", manifest.getSnapshotId(),
                        format);
                return null;
            }
            SnapshotManifest m = manifest;
            if (format == FORMAT_SEGMENTS && !contiguous(m.getIdSegmentsList(), m.getNextSequence())) {
                log.warn("snapshot {} names id segments that do not run from 0 to {}; replaying the journal instead",
                        m.getSnapshotId(), m.getNextSequence());
                return null;
            }
            TopicPartition chunks = new TopicPartition(config.snapshotsTopic(), CHUNK_PARTITION);
            List<byte[]> parts = readChunks(consumer, chunks, m.getFirstChunkOffset(), m.getChunkCount(), timeout,
                    progress, c -> !c.getIdSegment() && c.getSnapshotId() == m.getSnapshotId());
            if (parts == null) {
                log.warn("snapshot {} misses some of its {} chunks; replaying the journal instead", m.getSnapshotId(),
                        m.getChunkCount());
                missing[0] = true;
                return null;
            }
            Ledger ledger = SnapshotCodec.decode(concat(parts), m.getKeptIds());
            if (ledger.nextSequence() != m.getNextSequence()) {
                log.warn("snapshot {} holds sequence {}; replaying the journal instead", m.getSnapshotId(),
                        ledger.nextSequence());
                return null;
            }
            for (IdSegment seg : m.getIdSegmentsList()) {
                broken[0] = seg; // until it is read
                List<byte[]> segParts = readChunks(consumer, chunks, seg.getFirstChunkOffset(), seg.getChunkCount(),
                        timeout, progress, c -> c.getIdSegment() && c.getSnapshotId() == seg.getToSequence()
                                && c.getSegmentFrom() == seg.getFromSequence()
                                && c.getSegmentWriteId() == seg.getWriteId());
                if (segParts == null) {
                    missing[0] = true;
                    log.warn("snapshot {}: id segment [{}, {}) misses some of its {} chunks; replaying the journal"
                            + " instead", m.getSnapshotId(), seg.getFromSequence(), seg.getToSequence(),
                            seg.getChunkCount());
                    return null;
                }
                long ids;
                try {
                    ids = SnapshotCodec.decodeSegment(concat(segParts), ledger.ids(), seg.getFromSequence(),
                            seg.getToSequence());
                } catch (IOException e) {
                    log.warn("snapshot {}: id segment [{}, {}) cannot be decoded ({}); replaying the journal instead",
                            m.getSnapshotId(), seg.getFromSequence(), seg.getToSequence(), e.getMessage());
                    return null;
                }
                if (ids != seg.getIds()) {
                    log.warn("snapshot {}: id segment [{}, {}) holds {} ids, its manifest says {}; replaying the"
                            + " journal instead", m.getSnapshotId(), seg.getFromSequence(), seg.getToSequence(), ids,
                            seg.getIds());
                    return null;
                }
                broken[0] = null;
            }
            if (format == FORMAT_SEGMENTS && ledger.ids().size() != m.getKeptIds()) {
                log.warn("snapshot {} holds {} ids, its manifest says {}; replaying the journal instead",
                        m.getSnapshotId(), ledger.ids().size(), m.getKeptIds());
                return null;
            }
            return ledger;
        } catch (IOException e) {
            log.warn("cannot decode the newest snapshot ({}); replaying the journal instead", e.getMessage());
            return null;
        }
    }

    /**
     * The data of chunks 0..{@code count}-1 of one encoding, read from {@code first} on and told apart from other
     * chunks by {@code mine}; null when some are missing.
     */
    private static List<byte[]> readChunks(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long first,
            int count, Duration timeout, Runnable progress, java.util.function.Predicate<SnapshotChunk> mine) {
        List<byte[]> parts = new ArrayList<>(Collections.nCopies(count, (byte[]) null));
        int[] found = {0};
        if (count > 0) {
            readToEnd(consumer, tp, first, timeout, progress, r -> {
                if (r.value() == null) {
                    return true; // a tombstone: an older snapshot's chunk deleted
                }
                try {
                    SnapshotChunk c = SnapshotChunk.parseFrom(r.value());
                    if (mine.test(c) && c.getIndex() < count && parts.get(c.getIndex()) == null) {
                        parts.set(c.getIndex(), c.getData().toByteArray());
                        found[0]++;
                    }
                } catch (InvalidProtocolBufferException e) {
                    log.warn("skipping an unreadable snapshot chunk at offset {}", r.offset());
                }
                return found[0] < count;
            });
        }
        return found[0] == count ? parts : null;
    }

    private static InputStream concat(List<byte[]> parts) {
        List<InputStream> streams = new ArrayList<>(parts.size());
        for (byte[] p : parts) {
            streams.add(new ByteArrayInputStream(p));
        }
        return new SequenceInputStream(Collections.enumeration(streams));
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
