package dev.ledger.core.journal;

import dev.ledger.core.admin.AdminServer;
import dev.ledger.core.admin.CoreMetrics;
import dev.ledger.core.admin.LedgerView;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.core.rules.DecisionOut;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.IdSegment;
import dev.ledger.proto.PartitionOffset;
import dev.ledger.proto.SnapshotManifest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's one thread and its state machine: STANDBY (fold the journal, hot) and ACTIVE (decide mutations and
 * journal the decisions in Kafka transactions). See docs/CORE.md.
 *
 * <ul>
 *   <li>Start: load the newest complete snapshot, then fold the journal after it (standby).</li>
 *   <li>The lease: a consumer group on a one-partition topic; the member that holds partition 0 may be active.</li>
 *   <li>Promote: {@code initTransactions()} with the fixed transactional id fences any earlier active and aborts
 *       its open transaction; then fold the journal to its end, then consume mutations from the positions the
 *       journal gives ({@link InputPositions}: every decision names its mutation record).</li>
 *   <li>Active: one transaction over one or more polls: decide each record, send each decision, then commit when
 *       the {@link CommitRule} says so (the group's offsets go with it at most once a second). A failure of any
 *       kind aborts, throws the in-memory state away and rebuilds it from the snapshot and the journal: the state
 *       is always exactly the committed journal.</li>
 *   <li>Snapshots: after a commit that reaches {@code snapshotEvery} decisions (or applied a Snapshot event), the
 *       loop encodes the accounts and freezes a view of the kept ids (the only pause, short: the ids are appended
 *       and never moved), a thread of its own encodes the ids into memory, and a {@link SnapshotWriter} spreads the
 *       chunks over the next transactions (or transactions of their own while idle) while deciding goes on.</li>
 * </ul>
 *
 * <p>Thread-safe as a {@link LedgerView}; {@link #run()} is called by one thread only.
 */
public final class CoreLoop implements Runnable, LedgerView {

    enum Role { STARTING, STANDBY, ACTIVE, STOPPED }

    private static final Logger log = LoggerFactory.getLogger(CoreLoop.class);
    private static final Duration POLL = Duration.ofMillis(50);
    /**
     * How fast a snapshot's chunks are written while deciding goes on: 32 MiB/s, a 100 MB state (3 M ids) in about
     * 3 s. Unpaced, its bytes went out two chunks per transaction as fast as transactions commit, and the decisions
     * committed beside them waited (p99 of submit to decision 0.4-0.7 s in the seconds after a snapshot at 50,000
     * events/s, docs/CORE.md).
     */
    private static final long SNAPSHOT_BYTES_PER_SECOND = 32L << 20;
    /**
     * How long a graceful stop may spend finishing snapshots (it holds the lease meanwhile, so a standby waits):
     * well inside {@code CoreNode}'s wait for the loop, after which the process would exit without leaving the lease
     * group. A snapshot not finished by then is dropped; the previous complete one stays in use.
     */
    static final long STOP_SNAPSHOT_BUDGET_NANOS = 10_000_000_000L;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final long PARTITION_REFRESH_NANOS = 10_000_000_000L;
    /** Bound on one blocking Kafka call of a rebuild or promotion; the loop retries after it. */
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(10);
    private static final long LAG_CHECK_NANOS = 500_000_000L;
    /** How often a core that holds the lease asks Kafka again whether the mutations topic exists. */
    private static final long TOPIC_CHECK_NANOS = 1_000_000_000L;
    private static final Duration LAG_CHECK_TIMEOUT = Duration.ofSeconds(1);
    /** How far (in sequences) one journal partition may run ahead of the fold before it is paused. */
    static final long REORDER_WINDOW = 200_000;
    private static final byte[] NO_KEY = new byte[0];
    /** Records whose id-table and account slots the ledger is asked to load ahead of deciding them (a power of 2). */
    static final int PREFETCH_AHEAD = 64;
    /** How often a commit also sends the consumer group's offsets (see {@link #commit}). */
    static final long GROUP_OFFSETS_EVERY_NANOS = 1_000_000_000L;

    private final CoreConfig config;
    private final CoreMetrics metrics;
    private final ConcurrentLinkedQueue<Runnable> reads = new ConcurrentLinkedQueue<>();
    private volatile Role role = Role.STARTING;
    private volatile boolean running = true;
    /** {@link #halt()}, or a failure while stopping: the stop skips every graceful step. */
    private volatile boolean halted;
    private volatile long lastTickNanos;
    private volatile long lastCaughtUpNanos;
    private volatile boolean leaseHeld;

    private KafkaConsumer<byte[], byte[]> journal;
    private KafkaConsumer<byte[], byte[]> mutations;
    private KafkaConsumer<byte[], byte[]> lease;
    private KafkaProducer<byte[], byte[]> producer;
    private JournalFolder folder;
    private long decidedSinceSnapshot;
    private final int snapshotChunkBytes;
    private final long snapshotBytesPerSecond;
    private final int snapshotChunksPerTransaction;
    /** The snapshot being written, or null. */
    private SnapshotWriter snapshotWriter;
    private java.util.concurrent.ExecutorService snapshotEncoder;
    /** The loop's pause to encode {@link #snapshotWriter}'s state, and when that began. */
    private long snapshotPauseNanos;
    private long snapshotStartNanos;
    /** A Snapshot event was applied while another snapshot was being written: one more follows it. */
    private boolean snapshotRequested;
    /** The newest complete snapshot while active (null: none): the next one supersedes it and avoids its slot. */
    private SnapshotManifest newestSnapshot;
    /** Whether the next snapshot may keep {@link #newestSnapshot}'s id segments. */
    private boolean newestChainUsable;
    /** The newest snapshot the last rebuild could not read (-1: none): its id segments are not kept. */
    private long unusableSnapshotId = -1;
    /** The id segment the last rebuild could not read (null: none): a snapshot never keeps it. */
    private IdSegment brokenSegment;
    private volatile long writingSnapshotId = -1;
    private boolean inTransaction;
    private long transactionStartNanos;
    /** When the open transaction began (any transaction: with decisions or idle). */
    private long transactionBeganNanos;
    /** When the last commit of decisions ended; set long enough ago at start that the first commits at once. */
    private long committedNanos;
    private long transactionRecords;
    /** The group offsets to send with a coming commit: the newest input position per partition since the last send. */
    private final Map<TopicPartition, OffsetAndMetadata> groupOffsets = new HashMap<>();
    private long groupOffsetsSentNanos;
    private final DecisionOut decision = new DecisionOut(); // the hot path's reused encoding buffer
    private final CommitRule commitRule;
    private long partitionsCheckedNanos;
    private boolean waitingForTopic;
    private long topicCheckedNanos;
    private long lagCheckedNanos;
    private volatile long loadedSnapshotId = -1;
    private final Map<TopicPartition, Long> journalHeads = new HashMap<>();
    private final Set<TopicPartition> pausedJournal = new java.util.HashSet<>();

    public CoreLoop(CoreConfig config, CoreMetrics metrics) {
        this(config, metrics, SnapshotStore.CHUNK_BYTES, SNAPSHOT_BYTES_PER_SECOND,
                SnapshotWriter.CHUNKS_PER_TRANSACTION);
    }

    /**
     * With snapshot chunks of {@code snapshotChunkBytes} (at most {@link SnapshotStore#CHUNK_BYTES}) paced to
     * {@code snapshotBytesPerSecond} (0: unpaced), at most {@code snapshotChunksPerTransaction} a transaction, instead
     * of 256 KiB at 32 MiB/s, 32 a transaction; for tests.
     */
    CoreLoop(CoreConfig config, CoreMetrics metrics, int snapshotChunkBytes, long snapshotBytesPerSecond,
            int snapshotChunksPerTransaction) {
        if (snapshotChunkBytes < 1 || snapshotChunkBytes > SnapshotStore.CHUNK_BYTES) {
            throw new IllegalArgumentException("snapshotChunkBytes must be in 1.." + SnapshotStore.CHUNK_BYTES + ": "
                    + snapshotChunkBytes);
        }
        if (snapshotChunksPerTransaction < 1) {
            throw new IllegalArgumentException("snapshotChunksPerTransaction must be positive: "
                    + snapshotChunksPerTransaction);
        }
        if (snapshotBytesPerSecond < 0) {
            throw new IllegalArgumentException("snapshotBytesPerSecond must not be negative: "
                    + snapshotBytesPerSecond);
        }
        this.config = config;
        this.metrics = metrics;
        this.snapshotChunkBytes = snapshotChunkBytes;
        this.snapshotBytesPerSecond = snapshotBytesPerSecond;
        this.snapshotChunksPerTransaction = snapshotChunksPerTransaction;
        this.commitRule = new CommitRule(KafkaClients.MAX_POLL_RECORDS, config.transactionMaxRecords(),
                config.transactionMaxMs() * 1_000_000L,
                Math.min(config.transactionGapMs(), config.transactionMaxMs()) * 1_000_000L);
        this.committedNanos = System.nanoTime() - commitRule.minGapNanos();
    }

    /** Asks the loop to stop; it leaves the lease group so that a standby takes over at once. */
    public void stop() {
        running = false;
        wakeUp();
    }

    /**
     * Stops the loop as a crash would, for tests: what is open is abandoned (not committed) and a snapshot being
     * written is not finished, where {@link #stop()} commits and finishes it.
     */
    void halt() {
        halted = true;
        running = false;
        wakeUp();
    }

    private void wakeUp() {
        KafkaConsumer<byte[], byte[]> m = mutations;
        KafkaConsumer<byte[], byte[]> j = journal;
        if (m != null) {
            m.wakeup();
        }
        if (j != null) {
            j.wakeup();
        }
    }

    @Override
    public void run() {
        try {
            journal = KafkaClients.consumer(config, "journal");
            mutations = KafkaClients.consumer(config, "mutations");
            lease = KafkaClients.leaseConsumer(config);
            lease.subscribe(List.of(config.leaseTopic()), new LeaseListener());
            while (running) {
                lastTickNanos = System.nanoTime();
                try {
                    if (folder == null) {
                        rebuild(); // at start, and after a rebuild that failed (Kafka down): never act on stale state
                        continue;
                    }
                    lease.poll(Duration.ZERO);
                    if (role == Role.ACTIVE) {
                        if (leaseHeld) {
                            decideBatch();
                        } else {
                            log.warn("lease lost: stepping down to standby");
                            rebuild();
                        }
                    } else if (leaseHeld) {
                        if (mutationsTopicExists()) {
                            promote();
                        } else {
                            tail(); // hot standby holding the lease: promotes as soon as the topic appears
                        }
                    } else {
                        tail();
                    }
                } catch (WakeupException e) {
                    // stop() was called
                } catch (ProducerFencedException | InvalidProducerEpochException e) {
                    log.warn("another core became active and fenced this one ({}); standing by", e.toString());
                    recover(e);
                } catch (RuntimeException e) {
                    // Kafka failures, a journal that cannot be folded, a bug: never a dead loop in a live process.
                    if (running) {
                        recover(e);
                    } else {
                        // Stopping: the state may now be ahead of the open transaction (a batch decided in part),
                        // so nothing more is committed or snapshotted; the next active decides the rest.
                        log.warn("core failed while stopping ({}); stopping as after a crash", e.toString());
                        halted = true;
                    }
                }
                if (!inTransaction) {
                    serveReads(); // reads see committed decisions only; an open transaction is at most 250 ms old
                }
            }
            if (halted) {
                return; // as a crash: shutdown() closes the producer, which abandons the open transaction
            }
            if (role == Role.ACTIVE && inTransaction) {
                commit(); // a graceful stop hands over what it decided
            } else if (role == Role.ACTIVE) {
                idleTransaction(true);
            }
            if (role == Role.ACTIVE) {
                finishSnapshotOnStop();
            }
        } catch (RuntimeException e) {
            log.error("core loop failed", e);
        } finally {
            shutdown();
        }
    }

    // --------------------------------------------------------------------------------------------- standby

    /** Throws the state away and loads it again from the newest snapshot and the journal; becomes standby. */
    private void rebuild() {
        closeProducer();
        inTransaction = false; // closing the producer abandoned it; the next active (or this one) aborts it
        groupOffsets.clear();
        dropSnapshot();
        if (role == Role.ACTIVE) {
            metrics.role(false);
        }
        role = Role.STANDBY;
        folder = null;
        mutations.assign(List.of());
        unusableSnapshotId = -1;
        brokenSegment = null;
        SnapshotStore.Loaded loaded = SnapshotStore.loadLatest(config, KAFKA_WAIT, this::tick, (m, segment) -> {
            if (segment == null) {
                unusableSnapshotId = m.getSnapshotId();
            } else {
                brokenSegment = segment;
            }
        });
        loadedSnapshotId = loaded == null ? -1 : loaded.manifest().getSnapshotId();
        Ledger ledger = loaded == null ? new Ledger() : loaded.ledger();
        folder = new JournalFolder(ledger, new InputPositions(loaded == null ? Map.of() : loaded.mutationPositions()));
        Map<Integer, Long> from = loaded == null ? Map.of() : loaded.journalPositions();
        journal.assign(List.of());
        pausedJournal.clear();
        journalHeads.clear();
        assignJournal(from);
        log.info("state loaded from {}; folding the journal from sequence {}",
                loaded == null ? "an empty ledger" : "snapshot " + loaded.manifest().getSnapshotId(),
                ledger.nextSequence());
        publishState();
    }

    /** Standby: fold whatever the journal has. */
    private void tail() {
        if (System.nanoTime() - partitionsCheckedNanos > PARTITION_REFRESH_NANOS) {
            assignJournal(Map.of()); // a partition added to the journal is read from its beginning
            partitionsCheckedNanos = System.nanoTime();
        }
        fold(journal.poll(POLL));
        checkCaughtUp(journal, folder.waiting() == 0);
    }

    /**
     * Assigns every partition of the journal; a partition not assigned yet starts at {@code from} (a snapshot's
     * position) or at its beginning.
     */
    private void assignJournal(Map<Integer, Long> from) {
        List<TopicPartition> parts = partitions(journal, config.decisionsTopic());
        Set<TopicPartition> current = journal.assignment();
        if (current.size() == parts.size() && current.containsAll(parts)) {
            return;
        }
        journal.assign(parts);
        for (TopicPartition tp : parts) {
            if (current.contains(tp)) {
                continue; // assign() keeps the position of a partition that stays assigned
            }
            Long offset = from.get(tp.partition());
            if (offset == null) {
                journal.seekToBeginning(List.of(tp));
            } else {
                journal.seek(tp, offset);
            }
        }
    }

    private void fold(ConsumerRecords<byte[], byte[]> records) {
        long before = folder.unreadable();
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            n += folder.offer(r.value(), r.partition(), r.offset());
            long seq = folder.lastOfferedSequence();
            if (seq >= 0) {
                journalHeads.put(new TopicPartition(r.topic(), r.partition()), seq);
            }
        }
        metrics.folded(n);
        metrics.unreadable(folder.unreadable() - before);
        if (n > 0) {
            publishState();
        }
        balanceJournalReads();
    }

    /**
     * Keeps the reorder buffer bounded: a partition whose records run more than {@link #REORDER_WINDOW} sequences
     * ahead of the next one to fold is paused until the others catch up (journal partitions fill unevenly, since
     * decisions are keyed by server).
     */
    private void balanceJournalReads() {
        long next = folder.ledger().nextSequence();
        for (TopicPartition tp : journal.assignment()) {
            Long head = journalHeads.get(tp);
            boolean ahead = head != null && head - next > REORDER_WINDOW;
            if (ahead && pausedJournal.add(tp)) {
                journal.pause(List.of(tp));
            } else if (!ahead && pausedJournal.remove(tp)) {
                journal.resume(List.of(tp));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- active

    private void promote() {
        log.info("lease acquired: becoming active");
        producer = KafkaClients.transactionalProducer(config);
        producer.initTransactions(); // fences the previous active and aborts its open transaction
        // After the fence nobody else writes snapshots: the newest one now stays the newest until this core's next.
        SnapshotStore.Newest newest = SnapshotStore.newest(config, KAFKA_WAIT, this::tick);
        newestSnapshot = newest.manifest();
        if (newest.leftover() != null) {
            deleteLeftover(newest.leftover());
        }
        // A snapshot this core could not read may name broken segments: the next one writes every id anew (or, when
        // one segment failed, rewrites that segment and the ones after it, which may still be named by newer ones).
        newestChainUsable = newestSnapshot == null || newestSnapshot.getSnapshotId() != unusableSnapshotId;
        // Fold every committed decision, including the last ones of the previous active.
        assignJournal(Map.of());
        Map<TopicPartition, Long> ends = journal.endOffsets(journal.assignment(), KAFKA_WAIT);
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!reached(journal, ends)) {
            if (System.nanoTime() > deadline || !running) {
                throw new IllegalStateException("journal catch-up did not reach " + ends + " in " + STARTUP_TIMEOUT);
            }
            tick();
            fold(journal.poll(POLL));
            serveReads();
        }
        if (folder.waiting() > 0) {
            throw new IllegalStateException("journal has a gap: " + folder.waiting()
                    + " decisions wait for sequence " + folder.ledger().nextSequence());
        }
        assignMutations();
        role = Role.ACTIVE;
        decidedSinceSnapshot = 0;
        metrics.role(true);
        log.info("active: deciding from sequence {} with {} accounts and {} kept ids",
                folder.ledger().nextSequence(), folder.ledger().accounts().size(), folder.ledger().ids().size());
    }

    /**
     * Whether the mutations topic exists, so that this core, holding the lease, can become active. The ingest server
     * creates the topic, and a core may start before any server: until then the core stays a hot standby that holds
     * the lease, keeps the loop turning (journal, lease, reads) and asks Kafka again at most once a second. Says once
     * that it waits, and once that the wait is over.
     */
    private boolean mutationsTopicExists() {
        long now = System.nanoTime();
        if (waitingForTopic && now - topicCheckedNanos < TOPIC_CHECK_NANOS) {
            return false;
        }
        topicCheckedNanos = now;
        List<PartitionInfo> infos;
        try {
            infos = mutations.partitionsFor(config.mutationsTopic(), LAG_CHECK_TIMEOUT);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            infos = null; // Kafka slow or unreachable: ask again after the pause
        }
        boolean exists = infos != null && !infos.isEmpty();
        if (!exists && !waitingForTopic) {
            log.info("lease acquired, but the mutations topic {} does not exist yet (the ingest server creates it): "
                    + "standing by, folding the journal, until it does", config.mutationsTopic());
        } else if (exists && waitingForTopic) {
            log.info("mutations topic {} found", config.mutationsTopic());
        }
        waitingForTopic = !exists;
        return exists;
    }

    private void assignMutations() {
        List<TopicPartition> parts = partitions(mutations, config.mutationsTopic());
        Set<TopicPartition> current = mutations.assignment();
        if (current.containsAll(parts) && current.size() == parts.size()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = mutations.committed(Set.copyOf(parts));
        mutations.assign(parts);
        for (TopicPartition tp : parts) {
            if (current.contains(tp)) {
                continue; // assign() keeps the position of a partition that stays assigned
            }
            // The journal's position is the truth (committed with the decisions); the group's offset is sent only
            // now and then, so it is at most as far, unless the journal before a snapshot was lost.
            OffsetAndMetadata o = committed.get(tp);
            long from = Math.max(folder.positions().next(tp.partition()), o == null ? -1 : o.offset());
            if (from < 0) {
                mutations.seekToBeginning(List.of(tp));
            } else {
                mutations.seek(tp, from);
            }
        }
        partitionsCheckedNanos = System.nanoTime();
    }

    /**
     * One poll: decides its records inside the open transaction (beginning one if needed), then commits when the
     * {@link CommitRule} says so.
     */
    private void decideBatch() {
        if (!inTransaction && System.nanoTime() - partitionsCheckedNanos > PARTITION_REFRESH_NANOS) {
            assignMutations(); // partitions added to the mutations topic are picked up here (between transactions)
            partitionsCheckedNanos = System.nanoTime();
        }
        ConsumerRecords<byte[], byte[]> records = mutations.poll(inTransaction
                ? Duration.ofMillis(commitRule.pollWaitMillis(System.nanoTime() - committedNanos)) : POLL);
        if (!records.isEmpty()) {
            if (!inTransaction) {
                beginTransaction();
                transactionStartNanos = System.nanoTime();
                transactionRecords = 0;
            }
            decide(records);
        }
        long now = System.nanoTime();
        if (inTransaction && commitRule.due(records.count(), transactionRecords, now - transactionStartNanos,
                now - committedNanos)) {
            commit();
        } else if (!inTransaction) {
            // Idle: the group catches up with the journal within a second, and a snapshot keeps being written.
            idleTransaction(false);
            checkCaughtUp(mutations, true);
        }
    }

    /**
     * Deletes the id segment chunks a snapshot write cut short left (its {@code pending} record names them and no
     * manifest does), and the record: the write's core is fenced, so nothing can complete it any more.
     */
    private void deleteLeftover(IdSegment leftover) {
        producer.beginTransaction();
        inTransaction = true;
        for (int i = 0; i < leftover.getChunkCount(); i++) {
            producer.send(new ProducerRecord<>(config.snapshotsTopic(), SnapshotStore.CHUNK_PARTITION,
                    SnapshotStore.segmentKey(leftover, i), null));
        }
        producer.send(new ProducerRecord<>(config.snapshotsTopic(), SnapshotStore.MANIFEST_PARTITION,
                SnapshotStore.PENDING_KEY, null));
        producer.commitTransaction();
        inTransaction = false;
        log.info("deleted the {} chunks of id segment [{}, {}) that a snapshot write cut short left",
                leftover.getChunkCount(), leftover.getFromSequence(), leftover.getToSequence());
    }

    /**
     * Sends the next part of the snapshot being written into the open transaction, just before its commit: as many
     * chunks as the pace allows, at most 2 into a short transaction of decisions, the full cap into one without
     * decisions (idle, or the stop's) or a backlog's (one that reached 100 ms or the commit rule's age or record
     * bound). A failed encoding drops the writer only: the decisions commit, the newest snapshot stays the newest.
     */
    private void sendSnapshotPart(boolean withDecisions) {
        try {
            snapshotWriter.encoded();
        } catch (KafkaException e) {
            log.warn("snapshot {} could not be encoded ({}); the previous complete snapshot stays in use",
                    snapshotWriter.snapshotId(), e.getMessage());
            snapshotWriter = null;
            writingSnapshotId = -1;
            return;
        }
        long open = System.nanoTime() - transactionBeganNanos;
        boolean backlog = open >= Math.min(SnapshotWriter.LONG_TRANSACTION_NANOS, commitRule.maxAgeNanos())
                || transactionRecords >= commitRule.maxRecords();
        snapshotWriter.sendNext(producer, !withDecisions || backlog ? Long.MAX_VALUE : open);
    }

    /** Opens a transaction. */
    private void beginTransaction() {
        producer.beginTransaction();
        inTransaction = true;
        transactionBeganNanos = System.nanoTime();
    }

    /**
     * Commits the open transaction; a snapshot being written sends its next part into it first, so it travels with the
     * decisions. When the transaction holds a snapshot's manifest, that snapshot is complete.
     */
    private void commitTransaction(boolean withDecisions) {
        if (snapshotWriter != null) {
            sendSnapshotPart(withDecisions);
        }
        boolean completes = snapshotWriter != null && snapshotWriter.manifestSent();
        long start = System.nanoTime();
        producer.commitTransaction();
        metrics.commitTook(System.nanoTime() - start);
        inTransaction = false;
        if (completes) {
            snapshotWritten();
        }
    }

    private void decide(ConsumerRecords<byte[], byte[]> records) {
        Ledger ledger = folder.ledger();
        byte[][] values = values(records);
        int i = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if ((i & (PREFETCH_AHEAD - 1)) == 0) {
                // A hint for the next records only: a whole poll's worth would leave the cache before it is used.
                ledger.prefetch(values, i, Math.min(i + PREFETCH_AHEAD, values.length));
            }
            ledger.decideInto(values[i++], r.partition(), r.offset(), decision);
            Header server = r.headers().lastHeader(MutationHeaders.SERVER_ID);
            // The server caps its id; a foreign producer's oversized header is not worth a key (or a stuck core).
            byte[] key = DecisionKeys.keyFor(server == null ? null : server.value());
            // No callback: a failed send fails the commit, and a snapshot reads the journal's end from Kafka.
            producer.send(new ProducerRecord<>(config.decisionsTopic(), key, decision.toByteArray()));
            metrics.decided(decision.outcome(), decision.reasonCode(), decision.duplicate());
        }
        for (TopicPartition tp : records.partitions()) { // the next input offset, once per partition and poll
            List<ConsumerRecord<byte[], byte[]>> polled = records.records(tp);
            long last = polled.get(polled.size() - 1).offset();
            folder.positions().decided(tp.partition(), last);
            groupOffsets.put(tp, new OffsetAndMetadata(last + 1));
        }
        transactionRecords += records.count();
    }

    /**
     * Commits the open transaction: its decisions, which carry the input position (see {@link InputPositions}),
     * and at most once per {@link #GROUP_OFFSETS_EVERY_NANOS} (and at a graceful stop) the consumer group's offsets
     * too, in the same transaction, for monitoring and tools that read the group. A commit without them costs two
     * broker round trips less (measured: the offset commit was about half of a transaction's cycle).
     */
    private void commit() {
        if (groupOffsetsDue(!running)) {
            sendGroupOffsets();
        }
        commitTransaction(true);
        committedNanos = System.nanoTime(); // decisions only: an idle commit does not delay the next decision
        metrics.transaction(true);
        decidedSinceSnapshot += transactionRecords;
        publishState();
        serveReads(); // reads wait while a transaction is open: they are answered as soon as it commits
        checkCaughtUp(mutations, true);
        if (folder.ledger().takeSnapshotRequest()) {
            snapshotRequested = true;
        }
        startSnapshotIfDue();
    }

    /**
     * After a commit: starts a snapshot if one is due. One snapshot at a time: a trigger that comes while one is
     * being written waits for it to complete, which may be an idle transaction's commit, with nothing to follow.
     */
    private void startSnapshotIfDue() {
        if (running && snapshotWriter == null && (snapshotRequested || decidedSinceSnapshot >= config.snapshotEvery())) {
            startSnapshot();
        }
    }

    /**
     * A graceful stop: the snapshot being written is finished, and one a Snapshot event asked for is taken, in
     * transactions of their own, so that neither is lost with the process (and a restart starts from it). Each
     * transaction sends the next chunks (up to the cap: unpaced); the manifest follows the last one, so this ends
     * after about chunks / 32 + 2 transactions; the bound only guards against a writer that stopped making progress.
     */
    private void finishSnapshotOnStop() {
        if (folder.ledger().takeSnapshotRequest()) {
            snapshotRequested = true;
        }
        long deadline = System.nanoTime() + STOP_SNAPSHOT_BUDGET_NANOS;
        // At most two: the one being written, then the one asked for meanwhile.
        for (int snapshots = 0; snapshots < 2 && (snapshotWriter != null || snapshotRequested)
                && System.nanoTime() - deadline < 0; snapshots++) {
            if (snapshotWriter == null) {
                startSnapshotAtStop();
            }
            snapshotWriter.pace(0); // the stop waits for it: as fast as the transactions go
            boolean encoded;
            try {
                encoded = snapshotWriter.awaitEncoded(deadline - System.nanoTime());
            } catch (RuntimeException e) {
                log.warn("snapshot {} could not be encoded at the stop ({})", snapshotWriter.snapshotId(),
                        e.toString());
                // Only this writer is dropped: the newest complete snapshot stays the one the next supersedes.
                snapshotWriter = null;
                writingSnapshotId = -1;
                continue; // the one a Snapshot event asked for may still be taken
            }
            if (!encoded) {
                log.warn("snapshot {} not encoded at the stop (within {} s); the previous complete snapshot stays in"
                        + " use", snapshotWriter.snapshotId(), STOP_SNAPSHOT_BUDGET_NANOS / 1_000_000_000L);
                return;
            }
            for (int left = snapshotWriter.chunkCount() + 4; snapshotWriter != null; left--) {
                if (left == 0 || System.nanoTime() - deadline > 0) {
                    log.warn("snapshot {} not finished at the stop (within {} s); the previous complete snapshot "
                            + "stays in use", snapshotWriter.snapshotId(), STOP_SNAPSHOT_BUDGET_NANOS / 1_000_000_000L);
                    return;
                }
                beginTransaction();
                commitTransaction(false);
            }
        }
    }

    /**
     * {@link #startSnapshot()} after {@link #stop()}: stop woke both consumers, and each wake-up ends the next
     * blocking call on its consumer (here a position or the journal's end) once; the call is then made again.
     */
    private void startSnapshotAtStop() {
        for (int attempt = 1;; attempt++) {
            try {
                startSnapshot();
                return;
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Between transactions: a transaction of its own for the group's offsets, if some wait and a second has passed
     * since the last send (or {@code offsetsNow}), and for the next part of a snapshot being written. The offsets are
     * only for monitoring; the journal holds the position.
     */
    private void idleTransaction(boolean offsetsNow) {
        boolean offsets = groupOffsetsDue(offsetsNow);
        if (!offsets && (snapshotWriter == null || !snapshotWriter.hasWork())) {
            return; // nothing to carry (a snapshot still being encoded, or its next chunk not due yet)
        }
        beginTransaction();
        if (offsets) {
            sendGroupOffsets();
        }
        commitTransaction(false);
        startSnapshotIfDue(); // a trigger that waited for the snapshot this transaction completed
    }

    private boolean groupOffsetsDue(boolean now) {
        return !groupOffsets.isEmpty() && (now || System.nanoTime() - groupOffsetsSentNanos >= GROUP_OFFSETS_EVERY_NANOS);
    }

    private void sendGroupOffsets() {
        producer.sendOffsetsToTransaction(groupOffsets, mutations.groupMetadata());
        groupOffsetsSentNanos = System.nanoTime();
        groupOffsets.clear();
    }

    /** The polled records' values, in poll order (an absent value as an empty one). */
    private static byte[][] values(ConsumerRecords<byte[], byte[]> records) {
        byte[][] values = new byte[records.count()][];
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            values[n++] = r.value() == null ? NO_KEY : r.value();
        }
        return values;
    }

    /**
     * Starts a snapshot of the state as it is now, right after a commit: its positions (the next mutation offsets,
     * the journal's end) and its encoding in memory are taken here, on the loop, so they describe exactly this state
     * however long the chunks take; {@link SnapshotWriter} writes them with the next transactions.
     */
    private void startSnapshot() {
        long start = System.nanoTime();
        Ledger ledger = folder.ledger();
        Map<Integer, Long> mutationPositions = new HashMap<>();
        for (TopicPartition tp : mutations.assignment()) {
            mutationPositions.put(tp.partition(), mutations.position(tp));
        }
        // Where to replay the journal from: its end as Kafka sees it now (read_committed, so at most the end of the
        // transaction just committed; an earlier position only means replaying records the snapshot already holds).
        Map<Integer, Long> journalPositions = new HashMap<>();
        journal.endOffsets(journal.assignment(), KAFKA_WAIT).forEach((tp, o) -> journalPositions.put(tp.partition(), o));
        // The ids go into a new segment from where the newest complete snapshot's segments end (planSegments).
        SnapshotStore.SegmentPlan plan = SnapshotStore.planSegments(newestSnapshot, newestChainUsable, brokenSegment,
                ledger.nextSequence(), ledger.ids().size(), SnapshotStore.MAX_SEGMENTS);
        SnapshotStore.Encoding encoding;
        try {
            encoding = SnapshotStore.begin(ledger, snapshotChunkBytes, plan.from());
        } catch (java.io.IOException e) {
            throw new KafkaException("snapshot failed: " + e, e); // the in-memory stream never fails; a bug if so
        }
        // The kept ids, most of a large state, are encoded off the loop from their frozen view: the loop pauses
        // only for the accounts (measured before: 0.7 s at 3 M ids, growing with the history).
        CompletableFuture<SnapshotStore.Encoded> pages = CompletableFuture.supplyAsync(() -> {
            try {
                return encoding.finish();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, snapshotEncoder());
        long id = ledger.nextSequence();
        SnapshotManifest.Builder m = SnapshotManifest.newBuilder().setSnapshotId(id).setNextSequence(id)
                .setAccounts(ledger.accounts().size()).setKeptIds(ledger.ids().size())
                .setCreatedAtMs(System.currentTimeMillis()).setCoreId(config.coreId())
                .setFormatVersion(SnapshotStore.FORMAT_SEGMENTS);
        journalPositions.forEach((p, o) -> m.addJournalPositions(PartitionOffset.newBuilder().setPartition(p).setOffset(o)));
        mutationPositions.forEach((p, o) -> m.addMutationPositions(PartitionOffset.newBuilder().setPartition(p).setOffset(o)));
        snapshotWriter = new SnapshotWriter(config.snapshotsTopic(), m, pages, newestSnapshot, plan,
                SnapshotStore.newWriteId(), snapshotChunksPerTransaction).pace(snapshotBytesPerSecond);
        writingSnapshotId = id;
        decidedSinceSnapshot = 0;
        snapshotRequested = false;
        snapshotStartNanos = start;
        snapshotPauseNanos = System.nanoTime() - start;
        log.debug("snapshot {} taken in {} ms; its ids are being encoded off the loop", id,
                snapshotPauseNanos / 1_000_000);
    }

    /** The transaction with the manifest committed: the snapshot is the newest complete one. */
    private void snapshotWritten() {
        SnapshotManifest manifest = snapshotWriter.manifest();
        int transactions = snapshotWriter.transactions();
        int chunks = snapshotWriter.chunkCount();
        long bytes = snapshotWriter.bytesWritten();
        snapshotWriter = null;
        writingSnapshotId = -1;
        newestSnapshot = manifest;
        newestChainUsable = true;
        metrics.snapshot(bytes, snapshotPauseNanos);
        IdSegment last = manifest.getIdSegments(manifest.getIdSegmentsCount() - 1);
        log.info("snapshot {} written: {} accounts, {} ids ({} in its new id segment [{}, {}), {} segments), {} bytes"
                + " in {} chunks (slot {}) over {} transactions in {} ms; the loop paused {} ms to take it",
                manifest.getSnapshotId(), manifest.getAccounts(), manifest.getKeptIds(), last.getIds(),
                last.getFromSequence(), last.getToSequence(), manifest.getIdSegmentsCount(), bytes, chunks,
                manifest.getChunkSlot(), transactions, (System.nanoTime() - snapshotStartNanos) / 1_000_000,
                snapshotPauseNanos / 1_000_000);
    }

    /**
     * Forgets a snapshot being written (its transaction aborted, or the producer is gone): the state chunks it
     * committed stay in the free slot, where the next snapshot overwrites them, and its id segment's chunks are
     * deleted by the next core to become active (its {@code pending} record names them); the newest complete snapshot
     * is untouched.
     */
    private void dropSnapshot() {
        if (snapshotWriter != null) {
            log.info("snapshot {} abandoned after {} of its transactions; the previous complete snapshot stays in use",
                    snapshotWriter.snapshotId(), snapshotWriter.transactions());
        }
        snapshotWriter = null;
        writingSnapshotId = -1;
        newestSnapshot = null; // read again at the next promotion
    }

    /** The thread that encodes snapshots' kept ids, made at the first snapshot. */
    private java.util.concurrent.ExecutorService snapshotEncoder() {
        if (snapshotEncoder == null) {
            snapshotEncoder = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ledger-core-snapshot-encoder");
                t.setDaemon(true);
                return t;
            });
        }
        return snapshotEncoder;
    }

    /** Any failure while active or promoting: abort, rebuild from the journal, retry after a pause. */
    private void recover(RuntimeException e) {
        log.warn("core {} failed ({}); rebuilding from the journal", role.name().toLowerCase(), e.toString());
        dropSnapshot(); // what it committed is deleted or overwritten later (dropSnapshot)
        if (producer != null) {
            try {
                inTransaction = false;
                groupOffsets.clear();
                producer.abortTransaction();
                metrics.transaction(false);
            } catch (RuntimeException ignored) {
                // no open transaction, or the producer is unusable: it is closed next
            }
        }
        closeProducer();
        if (role == Role.ACTIVE) {
            metrics.role(false);
        }
        role = Role.STARTING;
        folder = null; // the loop rebuilds before it does anything else
        pause(1000);
    }

    // ----------------------------------------------------------------------------------------------- helpers

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        tick();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> parts = new ArrayList<>();
                for (PartitionInfo p : infos) {
                    parts.add(new TopicPartition(topic, p.partition()));
                }
                parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
                return parts;
            }
            if (System.nanoTime() > deadline || !running) {
                throw new IllegalStateException("topic " + topic + " does not exist (waited " + STARTUP_TIMEOUT + ")");
            }
            tick(); // waiting for a topic is not a stalled loop
            pause(200);
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Readiness: at most twice a second, asks Kafka for the end offsets (read_committed: the last stable offset) of
     * the consumer's partitions and, when its position has reached every one (and {@code nothingPending}), records
     * the time. A core cut off from Kafka therefore stops being ready after {@link AdminServer#READY_LAG_MS}.
     */
    private void checkCaughtUp(KafkaConsumer<byte[], byte[]> consumer, boolean nothingPending) {
        if (!running) {
            return; // stop() woke the consumers: a call to Kafka here would end the stop's commit and snapshot
        }
        long now = System.nanoTime();
        if (now - lagCheckedNanos < LAG_CHECK_NANOS) {
            return;
        }
        lagCheckedNanos = now;
        Set<TopicPartition> parts = consumer.assignment();
        long behind = 0;
        for (TopicPartition tp : parts) {
            behind += consumer.currentLag(tp).orElse(0); // from the last fetch: no request to Kafka
        }
        metrics.lag(consumer == mutations ? "mutations" : "journal", behind);
        if (parts.isEmpty() || !nothingPending) {
            return;
        }
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts, LAG_CHECK_TIMEOUT);
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                if (consumer.position(e.getKey(), LAG_CHECK_TIMEOUT) < e.getValue()) {
                    return;
                }
            }
            lastCaughtUpNanos = now;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            // Kafka unreachable: not caught up, and readiness lapses on its own
        }
    }

    private void tick() {
        lastTickNanos = System.nanoTime();
    }

    private void publishState() {
        Ledger l = folder.ledger();
        metrics.state(l.nextSequence(), l.accounts().size(), l.ids().size());
    }

    private void serveReads() {
        Runnable r;
        while ((r = reads.poll()) != null) {
            r.run();
        }
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("producer close: {}", e.toString());
            }
            producer = null;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown() {
        if (role == Role.ACTIVE) {
            metrics.role(false);
        }
        role = Role.STOPPED;
        dropSnapshot();
        if (snapshotEncoder != null) {
            snapshotEncoder.shutdownNow(); // an encoding under way only fills memory; nothing waits for it now
        }
        closeProducer();
        // The lease consumer first: leaving its group hands the lease to a standby at once.
        for (KafkaConsumer<byte[], byte[]> c : java.util.Arrays.asList(lease, mutations, journal)) {
            if (c != null) {
                try {
                    c.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                } catch (RuntimeException e) {
                    log.debug("consumer close: {}", e.toString());
                }
            }
        }
        Runnable r;
        while ((r = reads.poll()) != null) {
            r.run(); // answer late readers against the last state rather than leave them hanging
        }
        log.info("core loop stopped");
    }

    // ------------------------------------------------------------------------------------------ LedgerView

    @Override
    public <T> CompletableFuture<T> read(Function<Ledger, T> read) {
        CompletableFuture<T> f = new CompletableFuture<>();
        reads.add(() -> {
            try {
                JournalFolder current = folder;
                if (current == null) {
                    f.completeExceptionally(new IllegalStateException("the state is being loaded"));
                } else {
                    f.complete(read.apply(current.ledger()));
                }
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        if (role == Role.STOPPED) {
            // No loop thread any more: answer here rather than run reads concurrently on the HTTP threads.
            reads.clear();
            f.completeExceptionally(new IllegalStateException("the core has stopped"));
        }
        return f;
    }

    /** The id of the snapshot being written, or -1; for tests. */
    long writingSnapshotId() {
        return writingSnapshotId;
    }

    /** The snapshot the state was last loaded from, or -1 for an empty start; for tests and logs. */
    public long loadedSnapshotId() {
        return loadedSnapshotId;
    }

    @Override
    public String role() {
        return role.name().toLowerCase();
    }

    @Override
    public long lagMillis() {
        long t = lastCaughtUpNanos;
        return t == 0 ? -1 : (System.nanoTime() - t) / 1_000_000;
    }

    @Override
    public long sinceLastTickMillis() {
        long t = lastTickNanos;
        return t == 0 ? -1 : (System.nanoTime() - t) / 1_000_000;
    }

    /** Tracks whether this core holds partition 0 of the lease topic. Runs inside {@code lease.poll}. */
    private final class LeaseListener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                leaseHeld = false;
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                leaseHeld = true;
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            leaseHeld = false;
        }
    }
}
