package dev.ledger.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.IdSegment;
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
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(42), encoded(pages(5, 10)), null,
                full(42), WRITE_ID, 2);

        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "chunk-1-000001");
        assertThat(w.manifestSent()).isFalse();
        w.sendNext(producer);
        assertThat(w.manifestSent()).isFalse();
        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "chunk-1-000001", "chunk-1-000002",
                "chunk-1-000003", "chunk-1-000004", ids(0, 42), "pending", "pending", "manifest");
        assertThat(w.manifestSent()).isTrue();
        assertThat(w.transactions()).isEqualTo(3);

        SnapshotManifest pending = SnapshotManifest.parseFrom(producer.history().get(6).value());
        assertThat(pending.getPendingSegment()).as("the segment being written, with its first chunk")
                .isEqualTo(IdSegment.newBuilder().setFromSequence(0).setToSequence(42).setWriteId(WRITE_ID)
                        .setChunkCount(1).setFirstChunkOffset(-1).build());
        assertThat(pending.toBuilder().clearPendingSegment().build()).as("no newest manifest to copy")
                .isEqualTo(SnapshotManifest.getDefaultInstance());
        assertThat(producer.history().get(7).value()).as("deleted with the manifest").isNull();
        assertThat(producer.history().get(7).partition()).isEqualTo(SnapshotStore.MANIFEST_PARTITION);
        SnapshotManifest m = SnapshotManifest.parseFrom(producer.history().get(8).value());
        assertThat(m).isEqualTo(w.manifest());
        assertThat(m.getSnapshotId()).isEqualTo(42);
        assertThat(m.getChunkCount()).isEqualTo(5);
        assertThat(m.getChunkSlot()).isEqualTo(1);
        assertThat(m.getStateBytes()).isEqualTo(50);
        assertThat(w.bytesWritten()).isEqualTo(50 + SEGMENT_BYTES);
        assertThat(w.chunkCount()).isEqualTo(6);
        assertThat(m.getFirstChunkOffset()).isZero();
        assertThat(m.getIdSegmentsList()).containsExactly(IdSegment.newBuilder().setFromSequence(0).setToSequence(42)
                .setChunkCount(1).setFirstChunkOffset(5).setIds(SEGMENT_IDS).setBytes(SEGMENT_BYTES)
                .setWriteId(WRITE_ID).build());
        assertThat(producer.history().get(8).partition()).isEqualTo(SnapshotStore.MANIFEST_PARTITION);
        SnapshotChunk segmentChunk = SnapshotChunk.parseFrom(producer.history().get(5).value());
        assertThat(segmentChunk.getIdSegment()).isTrue();
        assertThat(segmentChunk.getSnapshotId()).as("a segment's chunk names its range's end").isEqualTo(42);
        assertThat(segmentChunk.getSegmentFrom()).isZero();
        assertThat(segmentChunk.getIndex()).isZero();
        assertThat(segmentChunk.getSegmentWriteId()).isEqualTo(WRITE_ID);
        assertThat(producer.history().get(5).partition()).isEqualTo(SnapshotStore.CHUNK_PARTITION);
        for (int i = 0; i < 5; i++) {
            ProducerRecord<byte[], byte[]> r = producer.history().get(i);
            assertThat(r.partition()).isEqualTo(SnapshotStore.CHUNK_PARTITION);
            SnapshotChunk c = SnapshotChunk.parseFrom(r.value());
            assertThat(c.getSnapshotId()).isEqualTo(42);
            assertThat(c.getIndex()).isEqualTo(i);
            assertThat(c.getData().byteAt(0)).isEqualTo((byte) i);
        }

        w.sendNext(producer); // complete: a later transaction carries nothing of it
        assertThat(producer.history()).hasSize(9);
        assertThat(w.transactions()).isEqualTo(3);
    }

    @Test
    void theManifestWaitsUntilTheFirstChunksOffsetIsKnown() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(false);
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(7), encoded(pages(1, 3)), null, full(7), WRITE_ID, 2);

        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", ids(0, 7), "pending");
        assertThat(w.manifestSent()).as("chunk 0 not acknowledged yet").isFalse();
        w.sendNext(producer);
        assertThat(producer.history()).hasSize(3);

        assertThat(producer.completeNext()).isTrue();
        w.sendNext(producer);
        assertThat(w.manifestSent()).as("the segment's first chunk not acknowledged yet").isFalse();
        assertThat(w.hasWork()).isFalse();
        assertThat(producer.completeNext()).isTrue();
        assertThat(w.hasWork()).isTrue();
        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", ids(0, 7), "pending",
                "pending", "manifest");
        assertThat(w.manifest().getFirstChunkOffset()).isZero();
        assertThat(w.manifest().getIdSegments(0).getFirstChunkOffset()).isEqualTo(1);
    }

    @Test
    void deletesTheSupersededSnapshotsChunksBeforeItsManifestAndAvoidsTheirSlot() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        SnapshotManifest older = SnapshotManifest.newBuilder().setSnapshotId(3).setChunkCount(3).setChunkSlot(1)
                .build();
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), encoded(pages(1, 4)), older, full(9), WRITE_ID, 2);

        w.sendNext(producer);

        assertThat(w.slot()).isEqualTo(2);
        SnapshotManifest pending = SnapshotManifest.parseFrom(producer.history().get(2).value());
        assertThat(pending.toBuilder().clearPendingSegment().build())
                .as("a copy of the newest manifest, for readers that take every record for one").isEqualTo(older);
        assertThat(keys(producer.history())).containsExactly("chunk-2-000000", ids(0, 9), "pending",
                "chunk-1-000000", "chunk-1-000001", "chunk-1-000002", "pending", "manifest");
        assertThat(producer.history().subList(3, 6)).allSatisfy(r -> {
            assertThat(r.value()).as("tombstone").isNull();
            assertThat(r.partition()).isEqualTo(SnapshotStore.CHUNK_PARTITION);
        });
        assertThat(w.manifest().getChunkSlot()).isEqualTo(2);
    }

    @Test
    void aSnapshotFromACoreBeforeSlotsIsDeletedByItsOldKeys() {
        MockProducer<byte[], byte[]> producer = producer(true);
        SnapshotManifest legacy = SnapshotManifest.newBuilder().setSnapshotId(3).setChunkCount(2).build();
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), encoded(pages(1, 4)), legacy,
                full(9), WRITE_ID, 2);

        w.sendNext(producer);

        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", ids(0, 9), "pending",
                "chunk-000000", "chunk-000001", "pending", "manifest");
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
        assertThatThrownBy(() -> new SnapshotWriter(TOPIC, facts(1),
                new SnapshotStore.Encoded(new ArrayList<>(), pages(1, 1), 0), null, full(1), WRITE_ID, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotWriter(TOPIC, facts(1),
                new SnapshotStore.Encoded(pages(1, 1), new ArrayList<>(), 0), null, full(1), WRITE_ID, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotWriter(TOPIC, facts(1), encoded(pages(1, 1)), null,
                full(1), WRITE_ID, 0))
                .hasMessageContaining("chunksPerTransaction must be positive: 0");
    }

    @Test
    void nothingIsSentWhileTheStateIsBeingEncoded() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        java.util.concurrent.CompletableFuture<SnapshotStore.Encoded> encoding =
                new java.util.concurrent.CompletableFuture<>();
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), encoding, null, full(9), WRITE_ID, 2);

        w.sendNext(producer);
        assertThat(producer.history()).isEmpty();
        assertThat(w.transactions()).isZero();
        assertThat(w.awaitEncoded(1_000_000)).as("not done within 1 ms").isFalse();

        encoding.complete(encoded(pages(3, 4)));
        w.sendNext(producer);
        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "chunk-1-000001", "chunk-1-000002",
                ids(0, 9), "pending", "pending", "manifest");
        assertThat(w.manifest().getStateBytes()).isEqualTo(12);
        assertThat(w.transactions()).isEqualTo(2);
    }

    @Test
    void pacedChunksWaitForTheirShareOfTimeAndTheStopCanLiftThePace() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(5), encoded(pages(4, 1_000)), null,
                full(5), WRITE_ID, 2)
                .pace(1); // 1,000 s a chunk

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
        w.sendNext(producer);
        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", "chunk-1-000001", "chunk-1-000002",
                "chunk-1-000003", ids(0, 5), "pending", "pending", "manifest");
    }

    @Test
    void theTimeTheEncodingTakesIsNoCreditForABurst() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        java.util.concurrent.CompletableFuture<SnapshotStore.Encoded> encoding =
                new java.util.concurrent.CompletableFuture<>();
        // 10 ms a 1,000-byte chunk, up to 16 a transaction.
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), encoding, null, full(9), WRITE_ID, 16).pace(100_000);
        Thread.sleep(300); // the encoding takes a while

        encoding.complete(encoded(pages(12, 1_000)));
        w.sendNext(producer);

        assertThat(producer.history().size()).as("a few chunks, not the 16 that 300 ms would have paid for")
                .isBetween(1, 4);
    }

    @Test
    void aShortTransactionCarriesTwoPacedChunksAtMostAndALongOneUpTo16() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        // 1 ms a 1,000-byte chunk.
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), encoded(pages(40, 1_000)), null, full(9), WRITE_ID, 16)
                .pace(1_000_000);
        Thread.sleep(100); // credit for 16 chunks

        w.sendNext(producer, 5_000_000);
        assertThat(producer.history()).as("a 5 ms transaction").hasSize(2);
        Thread.sleep(100);
        w.sendNext(producer, SnapshotWriter.LONG_TRANSACTION_NANOS);
        assertThat(producer.history()).as("a 100 ms transaction").hasSize(2 + 16);

        w.pace(0);
        w.sendNext(producer, 0);
        assertThat(producer.history()).as("unpaced (a stop): 16 whatever the length").hasSize(2 + 16 + 16);
    }

    @Test
    void anEncodingThatFailedFailsTheTransactionThatWouldCarryIt() {
        java.util.concurrent.CompletableFuture<SnapshotStore.Encoded> encoding =
                new java.util.concurrent.CompletableFuture<>();
        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(9), encoding, null, full(9), WRITE_ID, 2);
        encoding.completeExceptionally(new IllegalStateException("out of pages"));

        assertThatThrownBy(() -> w.sendNext(producer(true))).isInstanceOf(org.apache.kafka.common.KafkaException.class)
                .hasMessageContaining("snapshot 9 could not be encoded").hasMessageContaining("out of pages");
    }

    @Test
    void aSnapshotTakenInTwoPartsHoldsTheStateOfItsFirstPartAsOneEncodedAtOnceWould() throws Exception {
        Ledger ledger = smallLedger();
        SnapshotStore.Encoded atOnce = SnapshotStore.encode(ledger, 100, 0);

        SnapshotStore.Encoding started = SnapshotStore.begin(ledger, 100, 0);
        // The ledger goes on while the ids are encoded elsewhere: changes in place first (an id kept again, an
        // account's balance), before any append could move the entries to a new array, then many new ids, some of
        // them with sequences inside the segment's range.
        ledger.ids().putUuid(0, 0, 77, 7, 2);
        ledger.ids().putUuid(49, -49, 78, 8, 2);
        ledger.restoreAccount("acct-0", "USD", AccountGroup.ACCOUNT_GROUP_CUSTOMER, "Account 0", 999_999L, 98,
                "e-changed");
        for (int i = 50; i < 5_000; i++) {
            ledger.ids().putUuid(i, -i, 3 * i, i % 60, 1);
        }
        ledger.ids().put("text-id-2", 6, 5, 1);
        SnapshotStore.Encoded inTwoParts = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return started.finish();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(inTwoParts.segmentIds()).isEqualTo(atOnce.segmentIds()).isEqualTo(51);
        assertSamePages(inTwoParts.state(), atOnce.state());
        assertSamePages(inTwoParts.segment(), atOnce.segment());
    }

    @Test
    void theStateHoldsTheAccountsAndTheSegmentTheIdsOfItsRangeEachCutIntoChunks() throws Exception {
        Ledger ledger = smallLedger();

        SnapshotStore.Encoded whole = SnapshotStore.encode(ledger, 100, 0);
        SnapshotStore.Encoded tail = SnapshotStore.encode(ledger, 100, 30);

        for (List<byte[]> pages : List.of(whole.state(), whole.segment(), tail.segment())) {
            for (int i = 0; i < pages.size() - 1; i++) {
                assertThat(pages.get(i)).hasSize(100);
            }
            assertThat(pages.get(pages.size() - 1)).isNotEmpty();
        }
        Ledger decoded = SnapshotCodec.decode(joined(whole.state()), 51);
        assertThat(decoded.nextSequence()).isEqualTo(52);
        assertThat(decoded.accounts().size()).isEqualTo(50);
        assertThat(decoded.accounts().get("acct-7").balanceMinor()).isEqualTo(49);
        assertThat(decoded.ids().size()).as("no ids in the state").isZero();

        assertThat(SnapshotCodec.decodeSegment(joined(whole.segment()), decoded.ids(), 0, 52)).isEqualTo(51);
        assertThat(decoded.ids().size()).isEqualTo(51);
        assertThat(decoded.ids().lookupUuid(7, -7)).isTrue();
        assertThat(decoded.ids().foundSequence()).isEqualTo(7);
        assertThat(decoded.ids().lookup("text-id")).isTrue();
        assertThat(decoded.ids().foundBodyHash()).isEqualTo(5);

        // Sequences 30..49 and the text id's 51.
        assertThat(tail.segmentIds()).isEqualTo(21);
        Ledger fromTail = new Ledger();
        assertThat(SnapshotCodec.decodeSegment(joined(tail.segment()), fromTail.ids(), 30, 52)).isEqualTo(21);
        assertThat(fromTail.ids().lookupUuid(29, -29)).isFalse();
        assertThat(fromTail.ids().lookupUuid(30, -30)).isTrue();
    }

    @Test
    void aSegmentOfAnotherRangeOrWithAnIdOutsideItsRangeIsRefused() throws Exception {
        SnapshotStore.Encoded whole = SnapshotStore.encode(smallLedger(), 100, 0);
        byte[] bytes = joined(whole.segment()).readAllBytes();

        assertThatThrownBy(() -> SnapshotCodec.decodeSegment(new java.io.ByteArrayInputStream(bytes),
                new Ledger().ids(), 0, 60)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("holds sequences [0, 52), its manifest names [0, 60)");
        // The same ids, with a header that claims [40, 52): the first id (sequence 0) lies outside.
        java.nio.ByteBuffer.wrap(bytes).putLong(8, 40);
        assertThatThrownBy(() -> SnapshotCodec.decodeSegment(new java.io.ByteArrayInputStream(bytes),
                new Ledger().ids(), 40, 52)).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("id segment [40, 52) holds an id of sequence 0");
        assertThatThrownBy(() -> SnapshotCodec.decodeSegment(joined(whole.state()), new Ledger().ids(), 0, 52))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("not a ledger id segment");
    }

    @Test
    void absorbedSegmentsAreDeletedWithTheManifestAndTheKeptOnesNamedBeforeTheNewOne() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);
        IdSegment a = segment(0, 100, 40, 3, 1);
        IdSegment b = segment(100, 200, 40, 3, 9);
        IdSegment tiny = segment(200, 210, 2, 1, 17).toBuilder().setWriteId(0x11).build();
        SnapshotManifest older = SnapshotManifest.newBuilder().setSnapshotId(210).setNextSequence(210)
                .setChunkCount(1).setChunkSlot(2).setFormatVersion(SnapshotStore.FORMAT_SEGMENTS)
                .addAllIdSegments(List.of(a, b, tiny)).build();
        SnapshotStore.SegmentPlan plan = SnapshotStore.planSegments(older, true, null, 300, 120, 256);
        assertThat(plan.kept()).containsExactly(a, b);
        assertThat(plan.absorbed()).containsExactly(tiny);
        assertThat(plan.from()).isEqualTo(200);

        SnapshotWriter w = new SnapshotWriter(TOPIC, facts(300), encoded(pages(1, 4)), older, plan, WRITE_ID, 4);
        w.sendNext(producer);

        assertThat(keys(producer.history())).containsExactly("chunk-1-000000", ids(200, 300), "pending",
                "chunk-2-000000", "ids-200-210-0000000000000011-000000", "pending", "manifest");
        assertThat(producer.history().get(4).value()).as("tombstone").isNull();
        assertThat(w.manifest().getIdSegmentsList()).hasSize(3);
        assertThat(w.manifest().getIdSegmentsList().subList(0, 2)).containsExactly(a, b);
        IdSegment fresh = w.manifest().getIdSegments(2);
        assertThat(fresh.getFromSequence()).isEqualTo(200);
        assertThat(fresh.getToSequence()).isEqualTo(300);
        assertThat(fresh.getFirstChunkOffset()).isEqualTo(1);
        assertThat(SnapshotStore.contiguous(w.manifest().getIdSegmentsList(), 300)).isTrue();
    }

    @Test
    void aSegmentOfTheSameRangeAsTheNewOneIsDeletedByItsOwnKeys() {
        MockProducer<byte[], byte[]> producer = producer(true);
        SnapshotManifest older = SnapshotManifest.newBuilder().setSnapshotId(50).setNextSequence(50)
                .setChunkCount(1).setChunkSlot(1).setFormatVersion(SnapshotStore.FORMAT_SEGMENTS)
                .addIdSegments(segment(0, 40, 30, 1, 0)).addIdSegments(segment(40, 50, 0, 1, 3)).build();
        SnapshotStore.SegmentPlan plan = SnapshotStore.planSegments(older, true, null, 50, 30, 256);
        assertThat(plan.from()).as("nothing decided since: the empty segment is absorbed").isEqualTo(40);

        new SnapshotWriter(TOPIC, facts(50), encoded(pages(1, 4)), older, plan, WRITE_ID, 4).sendNext(producer);

        assertThat(keys(producer.history())).containsExactly("chunk-2-000000", ids(40, 50), "pending",
                "chunk-1-000000", "ids-40-50-0000000000000000-000000", "pending", "manifest");
    }

    @Test
    void segmentsOfEqualSizeStayApartSmallOnesAreAbsorbedAndAFullChainIsWrittenAnew() {
        SnapshotManifest.Builder m = SnapshotManifest.newBuilder().setFormatVersion(SnapshotStore.FORMAT_SEGMENTS);
        assertThat(SnapshotStore.planSegments(null, true, null, 10, 10, 4))
                .isEqualTo(new SnapshotStore.SegmentPlan(List.of(), List.of(), 0, 10));

        IdSegment s1 = segment(0, 100, 100, 1, 0);
        IdSegment s2 = segment(100, 200, 100, 1, 0);
        SnapshotManifest two = m.clone().setNextSequence(200).addIdSegments(s1).addIdSegments(s2).build();
        SnapshotStore.SegmentPlan equal = SnapshotStore.planSegments(two, true, null, 300, 300, 4);
        assertThat(equal.kept()).containsExactly(s1, s2);
        assertThat(equal.absorbed()).isEmpty();
        assertThat(equal.from()).isEqualTo(200);
        assertThat(equal.to()).isEqualTo(300);

        // 40 new ids: s2 (100) is more than twice as large, so it stays; 300 new ids absorb both.
        assertThat(SnapshotStore.planSegments(two, true, null, 240, 240, 4).from()).isEqualTo(200);
        SnapshotStore.SegmentPlan big = SnapshotStore.planSegments(two, true, null, 500, 500, 4);
        assertThat(big.kept()).isEmpty();
        assertThat(big.absorbed()).containsExactly(s1, s2);
        assertThat(big.from()).isZero();

        SnapshotManifest full = m.clone().setNextSequence(400).addIdSegments(s1).addIdSegments(s2)
                .addIdSegments(segment(200, 300, 100, 1, 0)).addIdSegments(segment(300, 400, 100, 1, 0)).build();
        SnapshotStore.SegmentPlan anew = SnapshotStore.planSegments(full, true, null, 410, 410, 4);
        assertThat(anew.kept()).as("a fifth segment would exceed the cap of 4").isEmpty();
        assertThat(anew.absorbed()).hasSize(4);
        assertThat(anew.from()).isZero();
    }

    @Test
    void aSegmentThatCouldNotBeReadIsRewrittenWithTheOnesAfterIt() {
        IdSegment s1 = segment(0, 100, 100, 1, 0);
        IdSegment s2 = segment(100, 200, 100, 1, 0).toBuilder().setWriteId(7).build();
        IdSegment s3 = segment(200, 300, 100, 1, 0);
        SnapshotManifest chain = SnapshotManifest.newBuilder().setFormatVersion(SnapshotStore.FORMAT_SEGMENTS)
                .setNextSequence(300).addIdSegments(s1).addIdSegments(s2).addIdSegments(s3).build();

        SnapshotStore.SegmentPlan plan = SnapshotStore.planSegments(chain, true, s2, 400, 400, 8);
        assertThat(plan.kept()).containsExactly(s1);
        assertThat(plan.absorbed()).containsExactly(s2, s3);
        assertThat(plan.from()).isEqualTo(100);

        IdSegment otherWrite = s2.toBuilder().setWriteId(8).build();
        assertThat(SnapshotStore.planSegments(chain, true, otherWrite, 400, 400, 8).kept())
                .as("another write of the same range is not the broken one").containsExactly(s1, s2, s3);
        assertThat(SnapshotStore.planSegments(chain, true, s1, 400, 400, 8).from()).isZero();
        assertThat(SnapshotStore.planSegments(chain, true, s2, 400, 400, 3).from()).as("the cap absorbs all")
                .isZero();
    }

    @Test
    void withoutAUsableChainTheNewSegmentHoldsEveryId() {
        IdSegment s1 = segment(0, 100, 100, 1, 0);
        SnapshotManifest ok = SnapshotManifest.newBuilder().setFormatVersion(SnapshotStore.FORMAT_SEGMENTS)
                .setNextSequence(100).addIdSegments(s1).build();
        assertThat(SnapshotStore.planSegments(ok, true, null, 200, 200, 8).from()).isEqualTo(100);

        assertThat(SnapshotStore.planSegments(ok, false, null, 200, 200, 8))
                .as("this core could not read it").isEqualTo(new SnapshotStore.SegmentPlan(List.of(), List.of(s1),
                        0, 200));
        SnapshotManifest gap = ok.toBuilder().setNextSequence(120).build();
        assertThat(SnapshotStore.planSegments(gap, true, null, 200, 200, 8).from()).as("segments end before it")
                .isZero();
        SnapshotManifest legacy = SnapshotManifest.newBuilder().setFormatVersion(SnapshotStore.FORMAT_WHOLE)
                .setNextSequence(100).setChunkCount(3).build();
        assertThat(SnapshotStore.planSegments(legacy, true, null, 200, 200, 8))
                .isEqualTo(new SnapshotStore.SegmentPlan(List.of(), List.of(), 0, 200));
    }

    private static IdSegment segment(long from, long to, long ids, int chunks, long firstOffset) {
        return IdSegment.newBuilder().setFromSequence(from).setToSequence(to).setIds(ids).setChunkCount(chunks)
                .setFirstChunkOffset(firstOffset).setBytes(ids * 34).build();
    }

    private static void assertSamePages(List<byte[]> actual, List<byte[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("page %d", i).isEqualTo(expected.get(i));
        }
    }

    private static java.io.InputStream joined(List<byte[]> pages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pages.forEach(out::writeBytes);
        return new java.io.ByteArrayInputStream(out.toByteArray());
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
        return SnapshotManifest.newBuilder().setSnapshotId(id).setNextSequence(id)
                .setFormatVersion(SnapshotStore.FORMAT_SEGMENTS);
    }

    /** A snapshot at {@code id} whose new segment holds every id. */
    private static SnapshotStore.SegmentPlan full(long id) {
        return new SnapshotStore.SegmentPlan(List.of(), List.of(), 0, id);
    }

    private static final long WRITE_ID = 0xabc;

    /** The key of chunk 0 of the segment [from, to) of {@link #WRITE_ID}. */
    private static String ids(long from, long to) {
        return "ids-" + from + "-" + to + "-0000000000000abc-000000";
    }
    private static final int SEGMENT_BYTES = 7;
    private static final long SEGMENT_IDS = 3;

    /** {@code state} and a one-page id segment of {@link #SEGMENT_BYTES} bytes holding {@link #SEGMENT_IDS} ids. */
    private static SnapshotStore.Encoded encoded(List<byte[]> state) {
        return new SnapshotStore.Encoded(state, List.of(new byte[SEGMENT_BYTES]), SEGMENT_IDS);
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
