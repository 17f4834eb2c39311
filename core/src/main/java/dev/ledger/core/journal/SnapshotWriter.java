package dev.ledger.core.journal;

import com.google.protobuf.UnsafeByteOperations;
import dev.ledger.proto.IdSegment;
import dev.ledger.proto.SnapshotChunk;
import dev.ledger.proto.SnapshotManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * One snapshot on its way into the snapshots topic, a few chunks in each transaction of the active core, while the
 * core goes on deciding. The loop took the state at one moment ({@link SnapshotStore#begin}: the accounts encoded,
 * the kept ids as a frozen view) and another thread encodes the rest into memory, so the chunks hold the state of
 * that moment however many decisions commit meanwhile; the manifest, built then too, names the journal and mutation
 * positions of that moment. Nothing is sent until the encoding is done.
 *
 * <p>Each transaction the loop commits takes {@link #sendNext} last: the chunks whose turn has come (at most 2 in a
 * short transaction of decisions, else {@code chunksPerTransaction}; all due at once when unpaced), and, once every
 * chunk has been sent and the first one's offset is known (its send completed: the transaction that holds
 * it committed, or its batch was acknowledged), the manifest, after tombstones for the chunks of the snapshot it
 * supersedes (the new id segment's first chunk, which follows the state's chunks, must be known as well). The
 * snapshot is complete when the transaction with the manifest commits. A transaction that aborts ends the write: the
 * loop drops the writer with the rest of its state and a later snapshot starts over.
 *
 * <p><b>One producer, not two.</b> The chunks go through the core's one transactional producer: whatever it commits
 * is fenced by the same epoch as the decisions, so a deposed core can never complete a snapshot, and no second
 * {@code transactional.id}, epoch bookkeeping or thread is needed. The price is that a chunk's bytes travel inside a
 * decision transaction (two 256 KiB chunks add a few milliseconds to its commit), which the bound per transaction
 * keeps small; a second producer would send them beside the decisions but would need its own fencing at promotion and
 * a thread to drive it.
 *
 * <p><b>Two slots, not keys per snapshot id.</b> Chunks are keyed {@code chunk-<slot>-<index>}, and a snapshot always
 * writes the slot that the newest complete one does not hold. So the chunks a crash leaves behind never replace the
 * newest complete snapshot's (compaction keeps the newest record per key), and the next snapshot overwrites them in
 * the same slot: the topic holds at most two snapshots' chunks without anyone looking for leftovers. Keys per
 * snapshot id would leave a cut-short write's chunks live until something scanned the partition for them. When the
 * manifest commits, the other slot (the superseded snapshot's {@code chunk_count} chunks) is deleted by tombstones
 * in the same transaction, so normally only the newest snapshot's chunks are live.
 *
 * <p><b>Id segments, not the whole history each time.</b> The kept ids, most of a large state and growing with every
 * decision, are not in the state's chunks: each snapshot writes one id segment of the ids decided since the newest
 * complete snapshot (keys {@code ids-<from>-<to>-<write id>-<index>}, after the state's chunks) and names the older
 * segments it keeps in its manifest, so its size follows what changed (a million UUID ids: about 34 MB) instead of
 * the history (300 MB at 9 M ids). The write id is drawn at random for each write, so a segment's keys are its own
 * and writing one never replaces a chunk that a complete snapshot names; segments the new one absorbs
 * ({@link SnapshotStore#planSegments}) are deleted by tombstones with the manifest. The segment's first chunk
 * travels with a {@code pending} record naming the segment (partition 1), deleted with the manifest: a write cut
 * short leaves it, and the next core to become active deletes the chunks it names (CoreLoop, at promotion).
 *
 * <p>Not thread-safe: the core loop's thread only.
 */
final class SnapshotWriter {

    /**
     * Chunks a long transaction (a backlog's, {@link #LONG_TRANSACTION_NANOS} or more) carries at most: 8 MiB of 256
     * KiB chunks, as many as the pace allows since the previous chunk, so a snapshot is written at the pace while the
     * loop works through a backlog in transactions of up to 250 ms. At 2 a transaction, a 38 MB snapshot took 8 s at
     * 340,000 decisions/s (37 transactions), and a restart then folded the millions of decisions since an older one.
     */
    static final int CHUNKS_PER_TRANSACTION = 32;
    /**
     * Chunks a short transaction carries at most: 512 KiB, a few milliseconds on its commit. At a steady flow the
     * transactions are a few milliseconds apart and carry a chunk now and then (32 MiB/s is a 256 KiB chunk every 8
     * ms). Letting them carry 16 (of 512 KiB) fed on itself: a transaction slowed by its chunks earned the next one
     * more, and the decisions committed with them waited 0.3-0.5 s at 50,000 events/s.
     */
    static final int CHUNKS_PER_SHORT_TRANSACTION = 2;
    /** A transaction at least this long may carry {@link #CHUNKS_PER_TRANSACTION} chunks. */
    static final long LONG_TRANSACTION_NANOS = 100_000_000L;

    private final String topic;
    private final SnapshotManifest.Builder manifest;
    private final CompletableFuture<SnapshotStore.Encoded> encoding;
    private final int slot;
    private final SnapshotManifest superseded;
    private final SnapshotStore.SegmentPlan plan;
    private final long writeId;
    private final int chunksPerTransaction;
    private List<byte[]> pages; // the state's pages, then the new segment's; null until the encoding is done
    private int stateChunks;
    private long stateBytes;
    private long segmentBytes;
    private long segmentIds;
    private long bytesPerSecond; // 0: unpaced
    private long nextChunkNanos;
    private int sent;
    private int transactions;
    private Future<RecordMetadata> firstChunk;
    private Future<RecordMetadata> firstSegmentChunk;
    private SnapshotManifest written;

    /**
     * @param topic the snapshots topic
     * @param manifest the manifest's facts of the encoded state (id, sequence, positions, sizes, core, format); the
     *     writer adds the chunk count, the first chunk's offset, the slot, the state's bytes and the id segments
     * @param encoded the encoded state and new id segment in chunk-sized pages; the writer releases each page once
     *     it is sent
     * @param superseded the newest complete snapshot's manifest (null: none), whose chunks are deleted at the end
     * @param plan the id segments kept from {@code superseded}, those the new one absorbs (deleted at the end) and
     *     the new one's range, which {@code encoded}'s segment holds
     * @param writeId the new segment's write id ({@link SnapshotStore#newWriteId})
     */
    SnapshotWriter(String topic, SnapshotManifest.Builder manifest, SnapshotStore.Encoded encoded,
            SnapshotManifest superseded, SnapshotStore.SegmentPlan plan, long writeId, int chunksPerTransaction) {
        this(topic, manifest, CompletableFuture.completedFuture(encoded), superseded, plan, writeId,
                chunksPerTransaction);
        adopt();
    }

    /**
     * A writer whose state is still being encoded (off the loop): it sends nothing until {@code encoding} is done,
     * then as above. An encoding that failed fails the next {@link #sendNext}.
     */
    SnapshotWriter(String topic, SnapshotManifest.Builder manifest, CompletableFuture<SnapshotStore.Encoded> encoding,
            SnapshotManifest superseded, SnapshotStore.SegmentPlan plan, long writeId, int chunksPerTransaction) {
        if (chunksPerTransaction < 1) {
            throw new IllegalArgumentException("chunksPerTransaction must be positive: " + chunksPerTransaction);
        }
        this.topic = topic;
        this.manifest = manifest;
        this.encoding = encoding;
        this.superseded = superseded;
        this.plan = plan;
        this.writeId = writeId;
        this.chunksPerTransaction = chunksPerTransaction;
        this.slot = SnapshotStore.nextSlot(superseded);
    }

    /**
     * Paces the chunks to about {@code bytesPerSecond} (0: as fast as the transactions take them), so that a large
     * snapshot's bytes, which the decisions' commits and the broker carry too, are spread instead of taken in one
     * burst. A chunk is sent once the previous one's share of time has passed; the manifest is never held back.
     */
    SnapshotWriter pace(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must not be negative: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.nextChunkNanos = System.nanoTime(); // nanoTime may be negative: never compare with a 0 default
        return this;
    }

    /**
     * Whether {@link #sendNext} would send something now: the state is encoded and a chunk's turn has come, or every
     * chunk is out and the manifest can follow. Throws if the encoding failed.
     */
    boolean hasWork() {
        if (written != null || !encoded()) {
            return false;
        }
        return sent < pages.size() ? bytesPerSecond == 0 || System.nanoTime() - nextChunkNanos >= 0
                : firstChunksKnown();
    }

    /** Whether the pages are there (taking them if the encoding just finished); throws if the encoding failed. */
    boolean encoded() {
        if (pages == null && encoding.isDone()) {
            adopt();
        }
        return pages != null;
    }

    /** Waits up to {@code nanos} for the encoding (a stop finishing its snapshot); true when the pages are there. */
    boolean awaitEncoded(long nanos) {
        try {
            encoding.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            // adopt() below reports it
        }
        return encoded();
    }

    private void adopt() {
        SnapshotStore.Encoded encoded;
        try {
            encoded = encoding.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            throw new KafkaException("snapshot " + snapshotId() + " could not be encoded: " + e.getCause(), e);
        }
        if (encoded.state().isEmpty() || encoded.segment().isEmpty()) {
            throw new IllegalArgumentException("a snapshot's state and id segment have at least one chunk each");
        }
        stateBytes = bytes(encoded.state());
        segmentBytes = bytes(encoded.segment());
        segmentIds = encoded.segmentIds();
        stateChunks = encoded.state().size();
        List<byte[]> all = new ArrayList<>(encoded.state());
        all.addAll(encoded.segment());
        pages = all;
        // The pace starts now: the time the encoding took is no credit (it let the first transaction carry 16 chunks of 512 KiB,
        // 8 MiB, and stalled the decisions committed with them for 0.3-0.5 s at 50,000 events/s).
        nextChunkNanos = System.nanoTime();
    }

    private static long bytes(List<byte[]> pages) {
        long bytes = 0;
        for (byte[] p : pages) {
            bytes += p.length;
        }
        return bytes;
    }

    long snapshotId() {
        return manifest.getSnapshotId();
    }

    /** Chunks this snapshot writes (the state's and the new id segment's); only once {@link #encoded}. */
    int chunkCount() {
        return pages.size();
    }

    /** Bytes this snapshot writes (the state and the new id segment); only once {@link #encoded}. */
    long bytesWritten() {
        return stateBytes + segmentBytes;
    }

    int slot() {
        return slot;
    }

    /** Transactions that carried a part of this snapshot so far. */
    int transactions() {
        return transactions;
    }

    /** Whether the manifest has been sent: the snapshot is complete when the transaction that holds it commits. */
    boolean manifestSent() {
        return written != null;
    }

    /** The manifest sent, or null before. */
    SnapshotManifest manifest() {
        return written;
    }

    private boolean firstChunksKnown() {
        return firstChunk.isDone() && firstSegmentChunk.isDone();
    }

    /**
     * Sends this transaction's part into the producer's open transaction: the next chunks (the state's, then the new
     * id segment's), then (when every chunk is out and both first chunks' offsets are known) tombstones for the
     * superseded snapshot's state chunks and the absorbed segments' chunks, and the manifest. Nothing while the state
     * is still being encoded, nor once the manifest is sent. Never blocks on Kafka: the first chunks' offsets are
     * asked only of completed sends.
     */
    void sendNext(Producer<byte[], byte[]> producer) {
        sendNext(producer, Long.MAX_VALUE);
    }

    /**
     * As {@link #sendNext(Producer)}, into a transaction open for {@code transactionNanos}: a paced snapshot gives one
     * shorter than {@link #LONG_TRANSACTION_NANOS} at most {@link #CHUNKS_PER_SHORT_TRANSACTION} chunks.
     */
    void sendNext(Producer<byte[], byte[]> producer, long transactionNanos) {
        if (written != null || !encoded()) {
            return;
        }
        int limit = bytesPerSecond == 0 || transactionNanos >= LONG_TRANSACTION_NANOS ? chunksPerTransaction
                : Math.min(chunksPerTransaction, CHUNKS_PER_SHORT_TRANSACTION);
        int end = Math.min(pages.size(), sent + limit);
        int before = sent;
        for (; sent < end; sent++) {
            if (bytesPerSecond > 0) {
                long now = System.nanoTime();
                if (now - nextChunkNanos < 0) {
                    break; // this chunk's turn has not come yet: a later transaction takes it
                }
                long share = pages.get(sent).length * 1_000_000_000L / bytesPerSecond;
                // Time unused since the last chunk counts up to one transaction's worth of chunks: transactions
                // further apart than a chunk's share still carry the pace, not one chunk each.
                long earliest = now - limit * share;
                nextChunkNanos = (nextChunkNanos - earliest < 0 ? earliest : nextChunkNanos) + share;
            }
            Future<RecordMetadata> f = producer.send(chunkRecord(sent));
            pages.set(sent, null); // the heap holds the unsent rest of the state only
            if (sent == 0) {
                firstChunk = f;
            } else if (sent == stateChunks) {
                firstSegmentChunk = f;
                // Committed with the segment's first chunk: if the write is cut short, the next active finds the
                // chunks no manifest names and deletes them. A copy of the newest manifest besides, for readers that
                // take every record here for a manifest (cores before id segments).
                SnapshotManifest.Builder pending = superseded == null ? SnapshotManifest.newBuilder()
                        : superseded.toBuilder();
                pending.setPendingSegment(segment().setChunkCount(pages.size() - stateChunks).setFirstChunkOffset(-1));
                producer.send(new ProducerRecord<>(topic, SnapshotStore.MANIFEST_PARTITION, SnapshotStore.PENDING_KEY,
                        pending.build().toByteArray()));
            }
        }
        boolean any = sent > before;
        if (sent == pages.size() && firstChunksKnown()) {
            sendManifest(producer);
            any = true;
        }
        if (any) {
            transactions++;
        }
    }

    private ProducerRecord<byte[], byte[]> chunkRecord(int i) {
        SnapshotChunk.Builder c = SnapshotChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(pages.get(i)));
        byte[] key;
        if (i < stateChunks) {
            c.setSnapshotId(manifest.getSnapshotId()).setIndex(i);
            key = SnapshotStore.chunkKey(slot, i);
        } else {
            int index = i - stateChunks;
            c.setSnapshotId(plan.to()).setIndex(index).setIdSegment(true).setSegmentFrom(plan.from())
                    .setSegmentWriteId(writeId);
            key = SnapshotStore.segmentKey(segment().build(), index);
        }
        return new ProducerRecord<>(topic, SnapshotStore.CHUNK_PARTITION, key, c.build().toByteArray());
    }

    private void sendManifest(Producer<byte[], byte[]> producer) {
        long firstOffset = offset(firstChunk);
        long firstSegmentOffset = offset(firstSegmentChunk);
        if (superseded != null) {
            for (int i = 0; i < superseded.getChunkCount(); i++) {
                tombstone(producer, SnapshotStore.chunkKey(superseded.getChunkSlot(), i));
            }
        }
        for (IdSegment s : plan.absorbed()) {
            for (int i = 0; i < s.getChunkCount(); i++) {
                tombstone(producer, SnapshotStore.segmentKey(s, i));
            }
        }
        producer.send(new ProducerRecord<>(topic, SnapshotStore.MANIFEST_PARTITION, SnapshotStore.PENDING_KEY, null));
        IdSegment segment = segment().setChunkCount(pages.size() - stateChunks).setFirstChunkOffset(firstSegmentOffset)
                .setIds(segmentIds).setBytes(segmentBytes).build();
        written = manifest.setChunkCount(stateChunks).setFirstChunkOffset(firstOffset).setStateBytes(stateBytes)
                .setChunkSlot(slot).clearIdSegments().addAllIdSegments(plan.kept()).addIdSegments(segment).build();
        producer.send(new ProducerRecord<>(topic, SnapshotStore.MANIFEST_PARTITION, SnapshotStore.MANIFEST_KEY,
                written.toByteArray()));
    }

    /** The new segment's range and write id. */
    private IdSegment.Builder segment() {
        return IdSegment.newBuilder().setFromSequence(plan.from()).setToSequence(plan.to()).setWriteId(writeId);
    }

    private void tombstone(Producer<byte[], byte[]> producer, byte[] key) {
        producer.send(new ProducerRecord<>(topic, SnapshotStore.CHUNK_PARTITION, key, null));
    }

    private long offset(Future<RecordMetadata> send) {
        try {
            return send.get().offset();
        } catch (ExecutionException e) {
            throw new KafkaException("snapshot " + snapshotId() + ": a first chunk was not written", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while writing snapshot " + snapshotId(), e);
        }
    }
}
