package dev.ledger.server.kafka;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one Kafka producer, replaced without a restart when it fails fatally.
 *
 * <p>Kafka's client gives no "is fatal" query; a producer is unusable after the errors its transaction manager
 * treats as fatal ({@link #isFatal}). {@link KafkaEventWriter} reports every failure here with the producer it
 * used; a fatal one on the current producer starts one replacement on the maintenance thread (never an event
 * loop): the failed producer is closed at once with a zero timeout, which fails its unfinished records (their
 * events are answered UNAVAILABLE through the writer's callbacks), then, after a backoff (below), a
 * new producer is created from the factory, its metadata is loaded (polling, as at startup),
 * and only then does it become current. Meanwhile {@link #isReplacing()} is true and the writer answers new events
 * UNAVAILABLE at once. An attempt that fails (no metadata, the factory throws, even an {@code Error}) is retried
 * with the same backoff. Failures of a producer that is no longer current (the late callbacks of the closed one)
 * are ignored, so one fatal error causes one replacement; they are also not Kafka's fault, so {@link #onFailure}
 * tells the writer to keep them out of the {@link KafkaCircuit}.
 *
 * <p>Backoff: a fatal failure more than {@link #MAX_BACKOFF} after the last replacement is replaced at once. One
 * that follows sooner (a persistent cause such as a missing {@code IdempotentWrite} ACL or a broker without
 * idempotence, which every new producer meets again) waits {@link #MIN_BACKOFF}, then twice as long each time, up
 * to {@link #MAX_BACKOFF}, so a broken setup does not create producers in a tight loop.
 *
 * <p>Thread-safe: {@link #current()} and {@link #isReplacing()} are volatile reads for event loops; failures
 * arrive from producer threads and event loops; replacement runs on the given single maintenance thread. Starting
 * a replacement and installing the new producer hold this object's lock (rare, short, never on the success path),
 * so a late failure of the old producer cannot start a second replacement that would drop the new one.
 */
public final class ProducerSlot {

    private static final Logger log = LoggerFactory.getLogger(ProducerSlot.class);
    static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final Supplier<Producer<byte[], byte[]>> factory;
    private final String topic;
    private final ScheduledExecutorService maintenance;
    private final Duration metadataTimeout;
    private final AtomicLong replacements = new AtomicLong();
    private final AtomicLong fatalFailures = new AtomicLong();
    private volatile Producer<byte[], byte[]> current;
    private volatile boolean replacing;
    private volatile String lastFatal = "";
    private volatile boolean closed;
    // Guarded by this: the backoff state, read and written only while starting or retrying a replacement.
    private long lastReplacedNanos = System.nanoTime() - MAX_BACKOFF.toNanos() - 1;
    private long backoffMillis;

    /**
     * @param first the producer in use now, its metadata already loaded
     * @param factory makes replacement producers (same settings); called on the maintenance thread
     * @param maintenance a single non-event-loop thread for the blocking parts of a replacement
     */
    public ProducerSlot(Producer<byte[], byte[]> first, Supplier<Producer<byte[], byte[]>> factory, String topic,
            ScheduledExecutorService maintenance, Duration metadataTimeout) {
        this.current = first;
        this.factory = factory;
        this.topic = topic;
        this.maintenance = maintenance;
        this.metadataTimeout = metadataTimeout;
    }

    /**
     * Whether a failure means the producer that reported it can never send again. For a non-transactional
     * idempotent producer Kafka's {@code TransactionManager} enters its fatal state only on {@code
     * ClusterAuthorizationException} (no {@code IdempotentWrite} ACL), {@code UnsupportedVersionException} (a broker
     * too old for idempotence), {@code ProducerFencedException} and {@code TransactionalIdAuthorizationException}
     * (transactional producers only, listed because Kafka lists them); {@code IllegalStateException} is what {@code
     * send} throws on a closed producer. {@code OutOfOrderSequenceException} and {@code UnknownProducerIdException}
     * are not fatal: the client bumps its epoch or resets the sequence and goes on, and the record's event is
     * answered UNAVAILABLE like any failed write. Looks through wrapping causes.
     */
    public static boolean isFatal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClusterAuthorizationException || t instanceof TransactionalIdAuthorizationException
                    || t instanceof ProducerFencedException || t instanceof UnsupportedVersionException
                    || t instanceof IllegalStateException) {
                return true;
            }
        }
        return false;
    }

    /** The producer to send with now. */
    public Producer<byte[], byte[]> current() {
        return current;
    }

    /** True from a fatal failure until the replacement producer is ready. */
    public boolean isReplacing() {
        return replacing;
    }

    /** Producers replaced after a fatal failure since start. */
    public long replacements() {
        return replacements.get();
    }

    /** Fatal failures reported on the current producer (each starts at most one replacement). */
    public long fatalFailures() {
        return fatalFailures.get();
    }

    /** The fatal failure that caused the last replacement, for refusal reasons. */
    public String lastFatal() {
        return lastFatal;
    }

    /**
     * Reports a failure of a send on {@code producer}. Never blocks (the lock is taken only for a fatal failure of
     * the current producer, and held for a few field writes).
     *
     * @return whether the failure is the producer's, not Kafka's: fatal, or from a producer that is retired or
     *     being retired (such as the {@code "Producer is closed forcefully."} failures of the records a replacement
     *     drops). The caller then leaves the Kafka circuit alone.
     */
    public boolean onFailure(Producer<byte[], byte[]> producer, Throwable failure) {
        if (!isFatal(failure)) {
            return producer != current || replacing;
        }
        long delayMillis = startReplacement(producer);
        if (delayMillis >= 0) {
            fatalFailures.incrementAndGet();
            lastFatal = String.valueOf(failure);
            log.error("Kafka producer failed fatally ({}); closing it and starting a new one in {} ms, events in "
                    + "flight on it are answered UNAVAILABLE", failure, delayMillis);
            schedule(() -> replace(producer, true), 0);
        }
        return true;
    }

    /** Claims the replacement of {@code failed}; returns its backoff in ms, or -1 when there is nothing to do. */
    private synchronized long startReplacement(Producer<byte[], byte[]> failed) {
        if (failed != current || closed || replacing) {
            return -1;
        }
        replacing = true;
        backoffMillis = nextDelayMillis(backoffMillis, System.nanoTime() - lastReplacedNanos);
        return backoffMillis;
    }

    /**
     * The wait before making a new producer: none when the last replacement is more than {@link #MAX_BACKOFF} ago,
     * else double the previous wait, between {@link #MIN_BACKOFF} and {@link #MAX_BACKOFF}.
     */
    static long nextDelayMillis(long previousMillis, long nanosSinceLastReplacement) {
        if (nanosSinceLastReplacement > MAX_BACKOFF.toNanos()) {
            return 0;
        }
        long doubled = Math.max(MIN_BACKOFF.toMillis(), previousMillis * 2);
        return Math.min(MAX_BACKOFF.toMillis(), doubled);
    }

    /**
     * Runs on the maintenance thread. The {@code first} run closes the failed producer and, when there is a
     * backoff, schedules the next run after it; a run that fails for any reason (an {@code Error} too: a
     * replacement left half done would refuse every event forever) is retried after a doubled backoff.
     */
    private void replace(Producer<byte[], byte[]> failed, boolean first) {
        Producer<byte[], byte[]> next = null;
        try {
            if (failed != current) {
                // Cannot happen while the claim and the swap share the lock; never replace a producer twice.
                finishReplacement();
                return;
            }
            if (first) {
                closeQuietly(failed, Duration.ZERO);
                long wait = backoffMillis();
                if (wait > 0) {
                    schedule(() -> replace(failed, false), wait);
                    return;
                }
            }
            if (closed) {
                return;
            }
            next = factory.get();
            TopicInitializer.loadPartitions(next, topic, metadataTimeout);
            install(next);
        } catch (Throwable e) {
            long retryMillis = growBackoff();
            log.error("replacement Kafka producer not ready ({}); trying again in {} ms", e.toString(), retryMillis);
            if (next != null && next != current) {
                closeQuietly(next, Duration.ZERO);
            }
            schedule(() -> replace(failed, false), retryMillis);
        }
    }

    private void install(Producer<byte[], byte[]> next) {
        synchronized (this) {
            current = next;
            lastReplacedNanos = System.nanoTime();
            replacing = false;
        }
        replacements.incrementAndGet();
        log.warn("Kafka producer replaced after a fatal failure (replacement #{}); accepting events again",
                replacements.get());
        if (closed) {
            closeQuietly(next, Duration.ZERO);
        }
    }

    private synchronized long backoffMillis() {
        return backoffMillis;
    }

    private synchronized long growBackoff() {
        backoffMillis = Math.min(MAX_BACKOFF.toMillis(), Math.max(MIN_BACKOFF.toMillis(), backoffMillis * 2));
        return backoffMillis;
    }

    private synchronized void finishReplacement() {
        replacing = false;
    }

    private void schedule(Runnable task, long delayMillis) {
        try {
            maintenance.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.warn("cannot replace the Kafka producer: the server is stopping");
        }
    }

    /** Closes the current producer, waiting up to {@code timeout} for records in flight; no replacement after. */
    public void close(Duration timeout) {
        closed = true;
        closeQuietly(current, timeout);
    }

    private static void closeQuietly(Producer<byte[], byte[]> producer, Duration timeout) {
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            log.warn("closing a Kafka producer failed: {}", e.toString());
        }
    }
}
