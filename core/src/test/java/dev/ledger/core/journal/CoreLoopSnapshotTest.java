package dev.ledger.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.CoreFixture;
import dev.ledger.core.admin.CoreMetrics;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.core.rules.Ledger;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.Decision;
import dev.ledger.proto.IdSegment;
import dev.ledger.proto.PartitionOffset;
import dev.ledger.proto.SnapshotChunk;
import dev.ledger.proto.SnapshotManifest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Snapshots written a few small chunks per transaction against a real broker: deciding goes on meanwhile, a core
 * stopped halfway restarts from the previous complete snapshot, and only the newest snapshot's chunks stay live.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CoreLoopSnapshotTest {

    /** Small chunks, so that a state of a few hundred accounts takes dozens of transactions to write. */
    private static final int CHUNK_BYTES = 256;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.startSingleNode();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void decisionsCommitWhileASnapshotIsStillBeingWritten() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "snap-meanwhile");
        f.createMutationsTopic(1);
        List<byte[]> first = accounts(600);
        f.write(first);
        int n = first.size();
        CoreConfig config = f.config().snapshotEvery(n).build();
        try (Running core = Running.start(config)) {
            await("snapshot " + n + " being written", () -> core.loop.writingSnapshotId() == n);
            List<byte[]> more = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                more.add(CoreFixture.topUp("a1", "bank", 5));
            }
            f.write(more);
            f.awaitJournal(n + more.size(), WAIT);
            assertThat(core.loop.writingSnapshotId()).as("the snapshot is still being written").isEqualTo(n);
            assertThat(manifests(f)).as("its manifest is not committed yet").noneMatch(m -> m.getSnapshotId() == n);

            await("snapshot " + n + " complete", () -> manifests(f).stream().anyMatch(m -> m.getSnapshotId() == n));
        }
        SnapshotManifest m = manifests(f).get(0);
        assertThat(m.getChunkCount()).as("a snapshot of many transactions").isGreaterThan(20);
        // The positions are those of the state it holds (encoded before the 20 top-ups), not of its last chunk's time.
        assertThat(m.getNextSequence()).isEqualTo(n);
        assertThat(m.getMutationPositionsList()).containsExactly(
                PartitionOffset.newBuilder().setPartition(0).setOffset(n).build());
        assertThat(liveChunks(f)).isEqualTo(expectedChunks(m));
    }

    @Test
    void aSnapshotEventDecidedWhileASnapshotIsBeingWrittenGetsItsOwnSnapshotEvenWhenNothingFollows() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "snap-request-idle");
        try (Running core = snapshotEventDuringASnapshot(f, N)) {
            // No mutation follows: the requested snapshot must not wait for one.
            await("snapshot " + (N + 1) + " complete",
                    () -> manifests(f).stream().anyMatch(m -> m.getSnapshotId() == N + 1));
        }
    }

    @Test
    void aGracefulStopFinishesTheSnapshotBeingWrittenAndTakesTheOneASnapshotEventAskedFor() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "snap-stop");
        try (Running core = snapshotEventDuringASnapshot(f, N)) {
            assertThat(core.loop.writingSnapshotId()).as("still writing snapshot " + N + " at the stop").isEqualTo(N);
        } // a graceful stop, at once
        // Snapshot N + 1 could only start once N was complete and takes a hundred transactions: the stop wrote both.
        assertThat(manifests(f)).extracting(SnapshotManifest::getSnapshotId).contains((long) N, (long) N + 1);
        SnapshotManifest newest = manifests(f).stream().filter(m -> m.getSnapshotId() == N + 1).findFirst()
                .orElseThrow();
        assertThat(liveChunks(f)).as("the newest snapshot's chunks, and no other").isEqualTo(expectedChunks(newest));
    }

    /** Accounts of a state that takes about 250 chunks (over a hundred transactions) to write. */
    private static final int N = 600;

    /**
     * Starts a core on {@code n} accounts that snapshots every {@code n} decisions, and once snapshot {@code n} is
     * being written, has a Snapshot event decided while it still is.
     */
    private static Running snapshotEventDuringASnapshot(CoreFixture f, int n) throws Exception {
        f.createMutationsTopic(1);
        f.write(accounts(n));
        Running core = Running.start(f.config().snapshotEvery(n).build());
        try {
            await("snapshot " + n + " being written", () -> core.loop.writingSnapshotId() == n);
            f.write(List.of(dev.ledger.proto.MutationEvent.newBuilder().setEventId(CoreFixture.id())
                    .setSnapshot(dev.ledger.proto.Snapshot.newBuilder().setLabel("eod")).build().toByteArray()));
            f.awaitJournal(n + 1, WAIT);
            assertThat(core.loop.writingSnapshotId()).as("the Snapshot event came while snapshot " + n
                    + " was being written").isEqualTo(n);
            return core;
        } catch (Exception | AssertionError e) {
            try {
                core.close();
            } catch (Exception | AssertionError closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    @Test
    void aCoreStoppedWhileWritingASnapshotRestartsFromThePreviousCompleteOne() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "snap-cut");
        f.createMutationsTopic(1);
        List<byte[]> all = new ArrayList<>(accounts(200));
        int n = all.size();
        CoreConfig config = f.config().snapshotEvery(n).build();
        f.write(all);
        // Slow chunks (about 16 a second): the write is still under way for seconds after its segment's first chunk.
        try (Running core = Running.start(config, 4_000)) {
            await("snapshot " + n + " complete", () -> manifests(f).stream().anyMatch(m -> m.getSnapshotId() == n));
            List<byte[]> second = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                second.add(CoreFixture.topUp("a" + (i % 199), "bank", 10 + i));
            }
            all.addAll(second);
            f.write(second);
            await("snapshot " + 2 * n + " being written", () -> core.loop.writingSnapshotId() == 2 * n);
            await("a chunk of snapshot " + 2 * n + "'s id segment committed", () -> segmentChunkIds(f)
                    .contains((long) 2 * n));
            core.loop.halt(); // as a crash: a graceful stop would finish the snapshot
        } // stopped halfway through the second snapshot
        List<SnapshotManifest> manifests = manifests(f);
        assertThat(manifests).extracting(SnapshotManifest::getSnapshotId).containsExactly((long) n);
        // What compaction would keep still holds every chunk of the complete snapshot: the cut-short one wrote the
        // other slot.
        assertThat(liveChunks(f)).containsAllEntriesOf(expectedChunks(manifests.get(0)))
                .containsValue((long) 2 * n);
        IdSegment leftover = SnapshotStore.newest(config, WAIT, () -> { }).leftover();
        assertThat(leftover).as("the cut-short write's segment, which no manifest names").isNotNull();
        assertThat(leftover.getFromSequence()).isEqualTo(n);
        assertThat(leftover.getToSequence()).isEqualTo(2 * n);

        List<byte[]> third = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            third.add(CoreFixture.transfer(CoreFixture.id(), "a" + i, "a" + (i + 1), 7));
        }
        all.addAll(third);
        f.write(third);
        try (Running core = Running.start(config)) {
            List<Decision> journal = f.awaitJournal(all.size(), WAIT);
            assertThat(core.loop.loadedSnapshotId()).as("the previous complete snapshot").isEqualTo(n);
            Ledger reference = new Ledger();
            for (int i = 0; i < all.size(); i++) {
                Decision d = reference.decide(all.get(i), 0, i);
                assertThat(journal.get(i).getSequence()).isEqualTo(d.getSequence());
                assertThat(journal.get(i).getOutcome()).as("decision " + i).isEqualTo(d.getOutcome());
                assertThat(journal.get(i).getReasonCode()).as("decision " + i).isEqualTo(d.getReasonCode());
            }
            Map<String, Long> expected = balances(reference);
            Map<String, Long> actual = core.loop.read(CoreLoopSnapshotTest::balances).get(10, TimeUnit.SECONDS);
            assertThat(actual).isEqualTo(expected);
            assertThat(core.loop.read(l -> l.ids().size()).get(10, TimeUnit.SECONDS))
                    .isEqualTo(reference.ids().size());

            // Deleted at the promotion: what the cut-short write left. Only the newest snapshot's chunks stay live.
            assertThat(SnapshotStore.newest(config, WAIT, () -> { }).leftover()).isNull();
            assertThat(liveChunks(f).keySet().stream().filter(k -> k.startsWith("ids-")))
                    .as("segment chunks (its state chunks stay in the free slot until the next snapshot there)")
                    .containsExactlyInAnyOrderElementsOf(expectedChunks(manifests.get(0)).keySet().stream()
                            .filter(k -> k.startsWith("ids-")).toList());
            List<byte[]> fourth = topUps(n, 199, 1);
            all.addAll(fourth);
            f.write(fourth);
            f.awaitJournal(all.size(), WAIT);
            await("a snapshot after the restart", () -> manifests(f).size() == 2
                    && core.loop.writingSnapshotId() == -1);
        }
        SnapshotManifest newest = manifests(f).get(1);
        assertThat(liveChunks(f)).as("the leftover chunks are deleted").isEqualTo(expectedChunks(newest));
        assertThat(SnapshotStore.newest(config, WAIT, () -> { }).leftover()).isNull();
    }

    @Test
    void aSmallSegmentIsAbsorbedByTheNextAndTheStateStillLoads() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "snap-absorb");
        f.createMutationsTopic(1);
        List<byte[]> all = new ArrayList<>(accounts(30));
        f.write(all);
        CoreConfig config = f.config().snapshotEvery(30).build();
        try (Running core = Running.start(config)) {
            await("snapshot 30", () -> manifests(f).size() == 1 && core.loop.writingSnapshotId() == -1);
            // Five top-ups and a Snapshot event: a snapshot of a few ids.
            List<byte[]> few = topUps(5, 5, 2);
            few.add(dev.ledger.proto.MutationEvent.newBuilder().setEventId(CoreFixture.id())
                    .setSnapshot(dev.ledger.proto.Snapshot.newBuilder().setLabel("noon")).build().toByteArray());
            all.addAll(few);
            f.write(few);
            await("the small snapshot", () -> manifests(f).size() == 2 && core.loop.writingSnapshotId() == -1);
            List<byte[]> more = topUps(30, 29, 3);
            all.addAll(more);
            f.write(more);
            f.awaitJournal(all.size(), WAIT);
            await("the next snapshot", () -> manifests(f).size() == 3 && core.loop.writingSnapshotId() == -1);
        }
        List<SnapshotManifest> manifests = manifests(f);
        SnapshotManifest small = manifests.get(1);
        assertThat(small.getIdSegmentsList()).hasSize(2);
        assertThat(small.getIdSegments(1).getIds()).as("the ids decided since snapshot 30").isEqualTo(36 - 30);
        SnapshotManifest newest = manifests.get(2);
        assertThat(newest.getIdSegmentsList()).as("the small segment absorbed").hasSize(2);
        assertThat(newest.getIdSegments(0)).isEqualTo(small.getIdSegments(0));
        IdSegment merged = newest.getIdSegments(1);
        assertThat(merged.getFromSequence()).isEqualTo(30);
        assertThat(merged.getToSequence()).isEqualTo(newest.getNextSequence());
        assertThat(merged.getIds()).isEqualTo(newest.getNextSequence() - 30);
        assertThat(liveChunks(f)).as("the absorbed segment's chunks are deleted").isEqualTo(expectedChunks(newest));
        try (Running core = Running.start(config)) {
            await("loaded", () -> core.loop.loadedSnapshotId() == newest.getSnapshotId());
            assertStateIs(core, all);
        }
    }

    @Test
    void eachSnapshotWritesTheIdsDecidedSinceThePreviousAndOnlyTheNewestCompleteOnesChunksStayLive()
            throws Exception {
        CoreFixture f = new CoreFixture(kafka, "snap-sweep");
        f.createMutationsTopic(1);
        List<byte[]> all = new ArrayList<>(accounts(30));
        CoreConfig config = f.config().snapshotEvery(all.size()).build();
        f.write(all);
        try (Running core = Running.start(config)) {
            for (int round = 1; round <= 4; round++) {
                int expectedSnapshots = round;
                await("snapshot " + round, () -> manifests(f).size() == expectedSnapshots
                        && core.loop.writingSnapshotId() == -1);
                List<byte[]> more = topUps(30, 29, round);
                f.write(more);
                all.addAll(more);
                f.awaitJournal(all.size(), WAIT);
            }
            await("snapshot 5", () -> manifests(f).size() == 5 && core.loop.writingSnapshotId() == -1);
        }
        List<SnapshotManifest> manifests = manifests(f);
        assertThat(manifests).extracting(SnapshotManifest::getChunkSlot).containsExactly(1, 2, 1, 2, 1);
        assertThat(manifests).allSatisfy(m -> assertThat(m.getChunkCount()).isGreaterThan(2));
        for (int k = 0; k < manifests.size(); k++) {
            SnapshotManifest m = manifests.get(k);
            assertThat(m.getFormatVersion()).isEqualTo(SnapshotStore.FORMAT_SEGMENTS);
            assertThat(m.getIdSegmentsCount()).as("snapshot %d keeps its predecessors' segments", k).isEqualTo(k + 1);
            IdSegment fresh = m.getIdSegments(k);
            assertThat(fresh.getFromSequence()).as("snapshot %d's new segment", k).isEqualTo(30L * k);
            assertThat(fresh.getToSequence()).isEqualTo(30L * (k + 1));
            assertThat(fresh.getIds()).as("the 30 ids decided since the previous snapshot, not the history")
                    .isEqualTo(30);
            assertThat(m.getKeptIds()).isEqualTo(30L * (k + 1));
            if (k > 0) {
                assertThat(m.getIdSegmentsList().subList(0, k)).isEqualTo(manifests.get(k - 1).getIdSegmentsList());
            }
        }
        SnapshotManifest newest = manifests.get(manifests.size() - 1);
        assertThat(liveChunks(f)).as("older snapshots' state chunks are tombstoned").isEqualTo(expectedChunks(newest));

        // A restart reads the newest snapshot: its state and all five segments.
        try (Running core = Running.start(config)) {
            await("active", () -> core.loop.loadedSnapshotId() == 150 && on(core, Ledger::nextSequence) == 150);
            assertStateIs(core, all);
        }
    }

    @Test
    void aSnapshotOfFormat1IsReadAndTheNextSnapshotWritesEveryIdIntoOneSegmentAndDeletesIt() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "snap-format1");
        f.createMutationsTopic(1);
        List<byte[]> all = new ArrayList<>(accounts(40));
        f.write(all);
        // A core that snapshots never: decide the 40 events, then write their state as a core before id segments did.
        CoreConfig quiet = f.config().snapshotEvery(1_000_000).build();
        try (Running core = Running.start(quiet)) {
            f.awaitJournal(all.size(), WAIT);
            await("decided", () -> on(core, Ledger::nextSequence) == 40);
            Ledger state = core.loop.read(CoreLoopSnapshotTest::copy).get(10, TimeUnit.SECONDS);
            writeFormat1Snapshot(f, state);
        }
        CoreConfig config = f.config().snapshotEvery(20).build();
        List<byte[]> more = topUps(20, 39, 3);
        all.addAll(more);
        f.write(more);
        try (Running core = Running.start(config)) {
            f.awaitJournal(all.size(), WAIT);
            await("snapshot 60", () -> manifests(f).stream().anyMatch(m -> m.getSnapshotId() == 60));
            assertThat(core.loop.loadedSnapshotId()).as("the format-1 snapshot").isEqualTo(40);
            assertStateIs(core, all);
        }
        assertEveryIdRewrittenAndLoaded(f, config, all); // and the format-1 chunks tombstoned
    }

    @Test
    void aSnapshotWithAnIdSegmentMissingIsNotUsedAndTheNextOneWritesEveryIdAnew() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "snap-broken");
        f.createMutationsTopic(1);
        List<byte[]> all = new ArrayList<>(accounts(30));
        f.write(all);
        CoreConfig config = f.config().snapshotEvery(30).build();
        try (Running core = Running.start(config)) {
            await("snapshot 30", () -> manifests(f).size() == 1 && core.loop.writingSnapshotId() == -1);
        }
        // A newer manifest of the same state that names one more chunk of its segment than there is.
        SnapshotManifest real = manifests(f).get(0);
        IdSegment cut = real.getIdSegments(0).toBuilder().setChunkCount(real.getIdSegments(0).getChunkCount() + 1)
                .build();
        writeManifest(f, real.toBuilder().setIdSegments(0, cut).build());
        List<byte[]> more = topUps(30, 29, 4);
        all.addAll(more);
        f.write(more);
        try (Running core = Running.start(config)) {
            f.awaitJournal(all.size(), WAIT);
            await("snapshot 60", () -> manifests(f).stream().anyMatch(m -> m.getSnapshotId() == 60)
                    && core.loop.writingSnapshotId() == -1);
            assertThat(core.loop.loadedSnapshotId()).as("the journal folded from the start instead").isEqualTo(-1);
            assertStateIs(core, all);
        }
        assertEveryIdRewrittenAndLoaded(f, config, all);
    }

    /**
     * The newest snapshot holds every id in one segment written anew, only its chunks are live, and a new core loads
     * it into the state a reference ledger reaches with {@code events}.
     */
    private static void assertEveryIdRewrittenAndLoaded(CoreFixture f, CoreConfig config, List<byte[]> events)
            throws Exception {
        SnapshotManifest newest = manifests(f).get(manifests(f).size() - 1);
        assertThat(newest.getIdSegmentsList()).as("every id in one new segment").hasSize(1);
        assertThat(newest.getIdSegments(0).getFromSequence()).isZero();
        assertThat(newest.getIdSegments(0).getIds()).isEqualTo(events.size());
        assertThat(liveChunks(f)).isEqualTo(expectedChunks(newest));
        try (Running core = Running.start(config)) {
            await("loaded", () -> core.loop.loadedSnapshotId() == newest.getSnapshotId());
            assertStateIs(core, events);
        }
    }

    /** {@code count} top-ups from the settlement account {@code bank} to a0..a(modulo-1) in turn. */
    private static List<byte[]> topUps(int count, int modulo, long amount) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(CoreFixture.topUp("a" + (i % modulo), "bank", amount));
        }
        return out;
    }

    private static void writeManifest(CoreFixture f, SnapshotManifest m) throws Exception {
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(f.prefix + ".snapshots",
                    SnapshotStore.MANIFEST_PARTITION, SnapshotStore.MANIFEST_KEY, m.toByteArray())).get();
        }
    }

    private static org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(org.apache.kafka.clients.producer.ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        p.put(org.apache.kafka.clients.producer.ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        return new org.apache.kafka.clients.producer.KafkaProducer<>(p);
    }

    /** The core's state equals a reference ledger's that decided {@code events} in order: balances and ids. */
    private static void assertStateIs(Running core, List<byte[]> events) throws Exception {
        Ledger reference = new Ledger();
        for (int i = 0; i < events.size(); i++) {
            reference.decide(events.get(i), 0, i);
        }
        await("all decided", () -> on(core, Ledger::nextSequence)
                == reference.nextSequence());
        assertThat(core.loop.read(CoreLoopSnapshotTest::balances).get(10, TimeUnit.SECONDS))
                .isEqualTo(balances(reference));
        assertThat(core.loop.read(l -> l.ids().size()).get(10, TimeUnit.SECONDS)).isEqualTo(reference.ids().size());
        Map<String, Long> idSequences = new TreeMap<>();
        reference.ids().forEach(new dev.ledger.core.rules.IdTable.Visitor() {
            @Override
            public void uuid(long msb, long lsb, long bodyHash, long sequence, int code) {
                idSequences.put(new java.util.UUID(msb, lsb).toString(), sequence);
            }

            @Override
            public void text(String id, long bodyHash, long sequence, int code) {
                idSequences.put(id, sequence);
            }
        });
        Map<String, Long> found = core.loop.read(l -> {
            Map<String, Long> m = new TreeMap<>();
            for (String id : idSequences.keySet()) {
                m.put(id, l.ids().lookup(id) ? l.ids().foundSequence() : -1L);
            }
            return m;
        }).get(10, TimeUnit.SECONDS);
        assertThat(found).isEqualTo(idSequences);
    }

    /** What {@code read} returns of the core's state, on the loop's thread. */
    private static <T> T on(Running core, java.util.function.Function<Ledger, T> read) {
        try {
            return core.loop.read(read).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A copy of the state, made on the loop's thread (the encoding of a whole state decoded again). */
    private static Ledger copy(Ledger ledger) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            SnapshotCodec.encode(ledger, out);
            return SnapshotCodec.decode(new java.io.ByteArrayInputStream(out.toByteArray()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code state} as a core before id segments did: the ids inside the state's chunks, manifest format 1.
     * No journal positions: the journal is folded from its start, decisions below the snapshot's sequence skipped.
     */
    private static void writeFormat1Snapshot(CoreFixture f, Ledger state) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        SnapshotCodec.encode(state, out);
        byte[] bytes = out.toByteArray();
        String topic = f.prefix + ".snapshots";
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = producer()) {
            int chunks = (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
            long firstOffset = -1;
            for (int i = 0; i < chunks; i++) {
                byte[] data = java.util.Arrays.copyOfRange(bytes, i * CHUNK_BYTES,
                        Math.min(bytes.length, (i + 1) * CHUNK_BYTES));
                byte[] value = SnapshotChunk.newBuilder().setSnapshotId(state.nextSequence()).setIndex(i)
                        .setData(com.google.protobuf.ByteString.copyFrom(data)).build().toByteArray();
                long offset = producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic,
                        SnapshotStore.CHUNK_PARTITION, SnapshotStore.chunkKey(1, i), value)).get().offset();
                if (i == 0) {
                    firstOffset = offset;
                }
            }
            SnapshotManifest m = SnapshotManifest.newBuilder().setSnapshotId(state.nextSequence())
                    .setNextSequence(state.nextSequence()).setChunkCount(chunks).setFirstChunkOffset(firstOffset)
                    .setChunkSlot(1).setKeptIds(state.ids().size()).setFormatVersion(SnapshotStore.FORMAT_WHOLE)
                    .addMutationPositions(PartitionOffset.newBuilder().setPartition(0).setOffset(state.nextSequence()))
                    .build();
            producer.flush();
            writeManifest(f, m);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A running core loop with small snapshot chunks (CoreNode without the admin port). */
    private record Running(CoreLoop loop, Thread thread) implements AutoCloseable {
        static Running start(CoreConfig config) {
            return start(config, 32L << 20);
        }

        /** With the snapshot chunks paced to {@code bytesPerSecond}. */
        static Running start(CoreConfig config, long bytesPerSecond) {
            CoreTopics.ensure(config, Duration.ofSeconds(30));
            // Two chunks a transaction (not 32): a snapshot takes many transactions, as it does with full chunks.
            CoreLoop loop = new CoreLoop(config, new CoreMetrics(), CHUNK_BYTES, bytesPerSecond, 2);
            Thread t = new Thread(loop, "snapshot-test-core");
            t.start();
            return new Running(loop, t);
        }

        @Override
        public void close() throws InterruptedException {
            loop.stop();
            thread.join(Duration.ofSeconds(20).toMillis());
            assertThat(thread.isAlive()).as("core loop stopped").isFalse();
        }
    }

    private static List<byte[]> accounts(int count) {
        List<byte[]> out = new ArrayList<>();
        out.add(CoreFixture.create("bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT));
        for (int i = 0; i < count - 1; i++) {
            out.add(CoreFixture.create("a" + i, AccountGroup.ACCOUNT_GROUP_CUSTOMER));
        }
        return out;
    }

    private static Map<String, Long> balances(Ledger ledger) {
        Map<String, Long> m = new TreeMap<>();
        ledger.accounts().forEach((id, a) -> m.put(id, a.balanceMinor()));
        return m;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The committed manifests, oldest first. */
    private static List<SnapshotManifest> manifests(CoreFixture f) {
        List<SnapshotManifest> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(f, SnapshotStore.MANIFEST_PARTITION)) {
            if (!java.util.Arrays.equals(r.key(), SnapshotStore.MANIFEST_KEY)) {
                continue; // a pending segment, or its tombstone
            }
            try {
                out.add(SnapshotManifest.parseFrom(r.value()));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    /** The snapshot ids (their ranges' ends) of the committed id segment chunks. */
    private static Set<Long> segmentChunkIds(CoreFixture f) {
        Set<Long> ids = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : read(f, SnapshotStore.CHUNK_PARTITION)) {
            if (r.value() != null) {
                try {
                    SnapshotChunk c = SnapshotChunk.parseFrom(r.value());
                    if (c.getIdSegment()) {
                        ids.add(c.getSnapshotId());
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return ids;
    }

    /** What compaction leaves of the chunk partition: per key its newest record, tombstones dropped; key -> id. */
    private static Map<String, Long> liveChunks(CoreFixture f) throws Exception {
        Map<String, byte[]> newest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read(f, SnapshotStore.CHUNK_PARTITION)) {
            newest.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
        }
        Map<String, Long> live = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : newest.entrySet()) {
            if (e.getValue() != null) {
                live.put(e.getKey(), SnapshotChunk.parseFrom(e.getValue()).getSnapshotId());
            }
        }
        return live;
    }

    /** The keys of a snapshot's chunks (its state's and its id segments'), each with its chunk's snapshot id. */
    private static Map<String, Long> expectedChunks(SnapshotManifest m) {
        Map<String, Long> keys = new LinkedHashMap<>();
        for (int i = 0; i < m.getChunkCount(); i++) {
            keys.put(new String(SnapshotStore.chunkKey(m.getChunkSlot(), i), StandardCharsets.UTF_8),
                    m.getSnapshotId());
        }
        for (IdSegment s : m.getIdSegmentsList()) {
            for (int i = 0; i < s.getChunkCount(); i++) {
                keys.put(new String(SnapshotStore.segmentKey(s, i), StandardCharsets.UTF_8), s.getToSequence());
            }
        }
        return new TreeMap<>(keys);
    }

    /** Every committed record of one partition of the snapshots topic, in offset order. */
    private static List<ConsumerRecord<byte[], byte[]>> read(CoreFixture f, int partition) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(f.prefix + ".snapshots", partition);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.position(tp, Duration.ofSeconds(10)) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(tp + " not read to its end in 30 s");
                }
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }
}
