package dev.ledger.core.journal;

import com.google.protobuf.UnsafeByteOperations;
import dev.ledger.proto.SnapshotChunk;
import dev.ledger.proto.SnapshotManifest;
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
 * <p>Each transaction the loop opens takes {@link #sendNext} first: up to {@code chunksPerTransaction} chunks, and,
 * once every chunk has been sent and the first one's offset is known (its send completed: the transaction that holds
 * it committed, or its batch was acknowledged), the manifest, after tombstones for the chunks of the snapshot it
 * supersedes. The snapshot is complete when the transaction with the manifest commits. A transaction that aborts
 * ends the write: the loop drops the writer with the rest of its state and a later snapshot starts over.
 *
 * <p><b>One producer, not two.</b> The chunks go through the core's one transactional producer: whatever it commits
 * is fenced by the same epoch as the decisions, so a deposed core can never complete a snapshot, and no second
 * {@code transactional.id}, epoch bookkeeping or thread is needed. The price is that a chunk's bytes travel inside a
 * decision transaction (two 512 KiB chunks add a few milliseconds to its commit), which the bound per transaction
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
 * <p>Not thread-safe: the core loop's thread only.
 */
final class SnapshotWriter {

    /** Chunks one transaction carries at most: 1 MiB at full chunks, a few milliseconds on a decision's commit. */
    static final int CHUNKS_PER_TRANSACTION = 2;

    private final String topic;
    private final SnapshotManifest.Builder manifest;
    private final CompletableFuture<List<byte[]>> encoding;
    private final int slot;
    private final SnapshotManifest superseded;
    private final int chunksPerTransaction;
    private List<byte[]> pages; // null until the encoding is done
    private long stateBytes;
    private long bytesPerSecond; // 0: unpaced
    private long nextChunkNanos;
    private int sent;
    private int transactions;
    private Future<RecordMetadata> firstChunk;
    private SnapshotManifest written;

    /**
     * @param topic the snapshots topic
     * @param manifest the manifest's facts of the encoded state (id, sequence, positions, sizes, core); the writer
     *     adds the chunk count, the first chunk's offset and the slot
     * @param pages the encoded state in chunk-sized pages; the writer releases each page once it is sent
     * @param superseded the newest complete snapshot's manifest (null: none), whose chunks are deleted at the end
     */
    SnapshotWriter(String topic, SnapshotManifest.Builder manifest, List<byte[]> pages, SnapshotManifest superseded,
            int chunksPerTransaction) {
        this(topic, manifest, CompletableFuture.completedFuture(pages), superseded, chunksPerTransaction);
        adopt();
    }

    /**
     * A writer whose state is still being encoded (off the loop): it sends nothing until {@code encoding} is done,
     * then as above. An encoding that failed fails the next {@link #sendNext}.
     */
    SnapshotWriter(String topic, SnapshotManifest.Builder manifest, CompletableFuture<List<byte[]>> encoding,
            SnapshotManifest superseded, int chunksPerTransaction) {
        if (chunksPerTransaction < 1) {
            throw new IllegalArgumentException("chunksPerTransaction must be positive: " + chunksPerTransaction);
        }
        this.topic = topic;
        this.manifest = manifest;
        this.encoding = encoding;
        this.superseded = superseded;
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
                : firstChunk.isDone();
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
        List<byte[]> encoded;
        try {
            encoded = encoding.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            throw new KafkaException("snapshot " + snapshotId() + " could not be encoded: " + e.getCause(), e);
        }
        if (encoded.isEmpty()) {
            throw new IllegalArgumentException("a snapshot has at least one chunk");
        }
        long bytes = 0;
        for (byte[] p : encoded) {
            bytes += p.length;
        }
        stateBytes = bytes;
        pages = encoded;
    }

    long snapshotId() {
        return manifest.getSnapshotId();
    }

    /** Chunks of the snapshot; only once {@link #encoded}. */
    int chunkCount() {
        return pages.size();
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

    /**
     * Sends this transaction's part into the producer's open transaction: the next chunks, then (when every chunk is
     * out and the first one's offset known) the superseded snapshot's tombstones and the manifest. Nothing while the
     * state is still being encoded, nor once the manifest is sent. Never blocks on Kafka: the first chunk's offset is
     * asked only of a completed send.
     */
    void sendNext(Producer<byte[], byte[]> producer) {
        if (written != null || !encoded()) {
            return;
        }
        int end = Math.min(pages.size(), sent + chunksPerTransaction);
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
                long earliest = now - chunksPerTransaction * share;
                nextChunkNanos = (nextChunkNanos - earliest < 0 ? earliest : nextChunkNanos) + share;
            }
            byte[] value = SnapshotChunk.newBuilder().setSnapshotId(manifest.getSnapshotId()).setIndex(sent)
                    .setData(UnsafeByteOperations.unsafeWrap(pages.get(sent))).build().toByteArray();
            pages.set(sent, null); // the heap holds the unsent rest of the state only
            Future<RecordMetadata> f = producer.send(new ProducerRecord<>(topic, SnapshotStore.CHUNK_PARTITION,
                    SnapshotStore.chunkKey(slot, sent), value));
            if (sent == 0) {
                firstChunk = f;
            }
        }
        boolean any = sent > before;
        if (sent == pages.size() && firstChunk.isDone()) {
            sendManifest(producer);
            any = true;
        }
        if (any) {
            transactions++;
        }
    }

    private void sendManifest(Producer<byte[], byte[]> producer) {
        long firstOffset;
        try {
            firstOffset = firstChunk.get().offset();
        } catch (ExecutionException e) {
            throw new KafkaException("snapshot " + snapshotId() + ": its first chunk was not written", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while writing snapshot " + snapshotId(), e);
        }
        if (superseded != null) {
            for (int i = 0; i < superseded.getChunkCount(); i++) {
                producer.send(new ProducerRecord<>(topic, SnapshotStore.CHUNK_PARTITION,
                        SnapshotStore.chunkKey(superseded.getChunkSlot(), i), null));
            }
        }
        written = manifest.setChunkCount(pages.size()).setFirstChunkOffset(firstOffset).setStateBytes(stateBytes)
                .setChunkSlot(slot).build();
        producer.send(new ProducerRecord<>(topic, SnapshotStore.MANIFEST_PARTITION, SnapshotStore.MANIFEST_KEY,
                written.toByteArray()));
    }
}
