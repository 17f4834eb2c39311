package dev.ledger.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.SnapshotChunk;
import dev.ledger.proto.SnapshotManifest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The writer's plan on plain objects (Kafka's in-memory producer): which records each transaction carries. */
class SnapshotWriterTest {

    private static final String TOPIC = "snapshots";

    @Test
    void spreadsTheChunksOverTransactionsAndSendsTheManifestWithTheLast() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(42), pages(5, 10), null, 2);

        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "chunk-1-000001");
        assertThat(w.manifestSent()).isFalse();
        w.sendNext(producer);
        assertThat(w.manifestSent()).isFalse();
        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "chunk-1-000001", "chunk-1-000002",
                "chunk-1-000003", "chunk-1-000004", "manifest");
        assertThat(w.manifestSent()).isTrue();
        assertThat(w.transactions()).isEqualTo(3);

        SnapshotManifest m = SnapshotManifest.parseFrom(producer.history().get(5).value());
        assertThat(m).isEqualTo(w.manifest());
        assertThat(m.getSnapshotId()).isEqualTo(42);
        assertThat(m.getChunkCount()).isEqualTo(5);
        assertThat(m.getChunkSlot()).isEqualTo(1);
        assertThat(m.getStateBytes()).isEqualTo(50);
        assertThat(m.getFirstChunkOffset()).isZero();
        assertThat(producer.history().get(5).partition()).isEqualTo(SnapshotStore.MANIFEST_PARTITION);
        for (int i = 0; i < 5; i++) {
            ProducerRecord<byte[], byte[]> r = producer.history().get(i);
            assertThat(r.partition()).isEqualTo(SnapshotStore.CHUNK_PARTITION);
            SnapshotChunk c = SnapshotChunk.parseFrom(r.value());
            assertThat(c.getSnapshotId()).isEqualTo(42);
            assertThat(c.getIndex()).isEqualTo(i);
            assertThat(c.getData().byteAt(0)).isEqualTo((byte) i);
        }

        w.sendNext(producer); // complete: a later transaction carries nothing of it
        assertThat(producer.history()).hasSize(6);
        assertThat(w.transactions()).isEqualTo(3);
    }

    @Test
    void theManifestWaitsUntilTheFirstChunksOffsetIsKnown() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(false);
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(7), pages(1, 3), null, 2);

        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000");
        assertThat(w.manifestSent()).as("chunk 0 not acknowledged yet").isFalse();
        w.sendNext(producer);
        assertThat(producer.history()).hasSize(1);

        assertThat(producer.completeNext()).isTrue();
        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "manifest");
        assertThat(w.manifest().getFirstChunkOffset()).isZero();
    }

    @Test
    void deletesTheSupersededSnapshotsChunksBeforeItsManifestAndAvoidsTheirSlot() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        SnapshotManifest older = SnapshotManifest.newBuilder().setSnapshotId(3).setChunkCount(3).setChunkSlot(1).build();
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), pages(1, 4), older, 2);

        w.sendNext(producer);

        assertThat(w.slot()).isEqualTo(2);
        assertThat(keys(producer.history())).containsExactly("chunk-2-000000", "chunk-1-000000", "chunk-1-000001",
                "chunk-1-000002", "manifest");
        assertThat(producer.history().subList(1, 4)).allSatisfy(r -> {
            assertThat(r.value()).as("tombstone").isNull();
            assertThat(r.partition()).isEqualTo(SnapshotStore.CHUNK_PARTITION);
        });
        assertThat(w.manifest().getChunkSlot()).isEqualTo(2);
    }

    @Test
    void aSnapshotFromACoreBeforeSlotsIsDeletedByItsOldKeys() {
        MockProducer<byte[], byte[]> producer = producer(true);
        SnapshotManifest legacy = SnapshotManifest.newBuilder().setSnapshotId(3).setChunkCount(2).build();
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), pages(1, 4), legacy, 2);

        w.sendNext(producer);

        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "chunk-000000", "chunk-000001",
                "manifest");
    }

    @Test
    void theNextSlotIsNeverTheNewestSnapshots() {
        assertThat(SnapshotStore.nextSlot(null)).isEqualTo(1);
        assertThat(SnapshotStore.nextSlot(SnapshotManifest.newBuilder().setChunkSlot(0).build())).isEqualTo(1);
        assertThat(SnapshotStore.nextSlot(SnapshotManifest.newBuilder().setChunkSlot(1).build())).isEqualTo(2);
        assertThat(SnapshotStore.nextSlot(SnapshotManifest.newBuilder().setChunkSlot(2).build())).isEqualTo(1);
    }

    @Test
    void refusesAnEmptyStateOrNoRoomPerTransaction() {
        assertThatThrownBy(() -> new SnapshotWriter(TOPIC, facts(1), new ArrayList<>(), null, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotWriter(TOPIC, facts(1), pages(1, 1), null, 0))
                .hasMessageContaining("chunksPerTransaction must be positive: 0");
    }

    @Test
    void nothingIsSentWhileTheStateIsBeingEncoded() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        java.util.concurrent.CompletableFuture<List<byte[]>> encoding = new java.util.concurrent.CompletableFuture<>();
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), encoding, null, 2);

        w.sendNext(producer);
        assertThat(producer.history()).isEmpty();
        assertThat(w.transactions()).isZero();
        assertThat(w.awaitEncoded(1_000_000)).as("not done within 1 ms").isFalse();

        encoding.complete(pages(3, 4));
        w.sendNext(producer);
        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "chunk-1-000001", "chunk-1-000002",
                "manifest");
        assertThat(w.manifest().getStateBytes()).isEqualTo(12);
        assertThat(w.transactions()).isEqualTo(2);
    }

    @Test
    void pacedChunksWaitForTheirShareOfTimeAndTheStopCanLiftThePace() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(5), pages(4, 1_000), null, 2).pace(1); // 1,000 s a chunk

        w.sendNext(producer);
        assertThat(keys(producer.history())).as("the first chunk, and not the second before its turn")
                .containsExactly("chunk-1-000000");
        assertThat(w.hasWork()).isFalse();
        w.sendNext(producer);
        assertThat(producer.history()).hasSize(1);
        assertThat(w.transactions()).as("a transaction that carried nothing is not counted").isEqualTo(1);

        w.pace(0);
        assertThat(w.hasWork()).isTrue();
        w.sendNext(producer);
        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "chunk-1-000001", "chunk-1-000002",
                "chunk-1-000003", "manifest");
    }

    @Test
    void anEncodingThatFailedFailsTheTransactionThatWouldCarryIt() {
        java.util.concurrent.CompletableFuture<List<byte[]>> encoding = new java.util.concurrent.CompletableFuture<>();
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), encoding, null, 2);
        encoding.completeExceptionally(new IllegalStateException("out of pages"));

        assertThatThrownBy(() -> w.sendNext(producer(true))).isInstanceOf(org.apache.kafka.common.KafkaException.class)
                .hasMessageContaining("snapshot 9 could not be encoded").hasMessageContaining("out of pages");
    }

    @Test
    void aSnapshotTakenInTwoPartsHoldsTheStateOfItsFirstPartAsOneEncodedAtOnceWould() throws Exception {
        Ledger ledger = smallLedger();
        List<byte[]> atOnce = SnapshotStore.encode(ledger, 100);

        SnapshotStore.Encoding started = SnapshotStore.begin(ledger, 100);
        // The ledger goes on while the ids are encoded elsewhere: changes in place first (an id kept again, an
        // account's balance), before any append could move the entries to a new array, then many new ids.
        ledger.ids().putUuid(0, 0, 77, 77, 2);
        ledger.ids().putUuid(49, -49, 78, 78, 2);
        ledger.restoreAccount("acct-0", "USD", AccountGroup.ACCOUNT_GROUP_CUSTOMER, "Account 0", 999_999L, 98,
                "e-changed");
        for (int i = 50; i < 5_000; i++) {
            ledger.ids().putUuid(i, -i, 3 * i, i, 1);
        }
        ledger.ids().put("text-id-2", 6, 5_001, 1);
        List<byte[]> inTwoParts = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return started.finish();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(inTwoParts).hasSameSizeAs(atOnce);
        for (int i = 0; i < atOnce.size(); i++) {
            assertThat(inTwoParts.get(i)).as("page %d", i).isEqualTo(atOnce.get(i));
        }
    }

    @Test
    void encodedPagesAreTheCodecsBytesCutIntoChunks() throws Exception {
        Ledger ledger = smallLedger();
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        SnapshotCodec.encode(ledger, whole);

        List<byte[]> pages = SnapshotStore.encode(ledger, 100);

        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < pages.size(); i++) {
            if (i < pages.size() - 1) {
                assertThat(pages.get(i)).hasSize(100);
            }
            joined.write(pages.get(i));
        }
        assertThat(joined.toByteArray()).isEqualTo(whole.toByteArray());
        assertThat(pages.get(pages.size() - 1)).isNotEmpty();
    }

    /** 50 accounts, 50 UUID ids and one text id. */
    private static Ledger smallLedger() {
        Ledger ledger = new Ledger();
        for (int i = 0; i < 50; i++) {
            ledger.restoreAccount("acct-" + i, "USD", AccountGroup.ACCOUNT_GROUP_CUSTOMER, "Account " + i, i * 7L, i,
                    "e-" + i);
            ledger.ids().putUuid(i, -i, 3 * i, i, 1);
        }
        ledger.ids().put("text-id", 5, 51, 1);
        ledger.restoreNextSequence(52);
        return ledger;
    }

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static SnapshotManifest.Builder facts(long id) {
        return SnapshotManifest.newBuilder().setSnapshotId(id).setNextSequence(id).setFormatVersion(1);
    }

    /** {@code count} pages of {@code bytes}, page i filled with the byte i. */
    private static List<byte[]> pages(int count, int bytes) {
        List<byte[]> pages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[bytes];
            java.util.Arrays.fill(p, (byte) i);
            pages.add(p);
        }
        return pages;
    }

    private static List<String> keys(List<ProducerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }
}
