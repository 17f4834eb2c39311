package dev.ledger.server.kafka;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one Kafka producer, replaced without a restart when it fails fatally.
 *
 * <p>Kafka's client gives no "is fatal" query; a producer is unusable after errors its documentation names
 * fatal ({@link #isFatal}). {@link KafkaEventWriter} reports every failure here with the producer it used; a fatal
 * one on the current producer starts one replacement on the maintenance thread (never an event loop): the failed
 * producer is closed at once with a zero timeout, which fails its unfinished records (their events are answered
 * UNAVAILABLE through the writer's callbacks), a new producer is created from the factory, its metadata is loaded
 * (polling, as at startup), and only then does it become current. Meanwhile {@link #isReplacing()} is true and
 * the writer answers new events UNAVAILABLE at once. A replacement that cannot load metadata is retried every
 * {@link #RETRY_DELAY}. Failures of a producer that is no longer current (the late callbacks of the closed one)
 * are ignored, so one fatal error causes one replacement.
 *
 * <p>Thread-safe: {@link #current()} and {@link #isReplacing()} are volatile reads for event loops; failures
 * arrive from producer threads and event loops; replacement runs on the given single maintenance thread.
 */
public final class ProducerSlot {

    private static final Logger log = LoggerFactory.getLogger(ProducerSlot.class);
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final Supplier<Producer<byte[], byte[]>> factory;
    private final String topic;
    private final ScheduledExecutorService maintenance;
    private final Duration metadataTimeout;
    private final AtomicBoolean replacing = new AtomicBoolean();
    private final AtomicLong replacements = new AtomicLong();
    private final AtomicLong fatalFailures = new AtomicLong();
    private volatile Producer<byte[], byte[]> current;
    private volatile String lastFatal = "";
    private volatile boolean closed;

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
     * Whether a failure means the producer that reported it can never send again: fenced, sequence state lost
     * ({@code OutOfOrderSequenceException}, {@code UnknownProducerIdException}), not authorized for the cluster
     * or idempotent writes, a broker too old for idempotence, or a producer already closed or in a fatal state
     * ({@code IllegalStateException} from {@code send}). A {@code TopicAuthorizationException} is not: it fails
     * records of one topic and a new producer would fail the same way. Looks through wrapping causes.
     */
    public static boolean isFatal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TopicAuthorizationException) {
                return false;
            }
            if (t instanceof ProducerFencedException || t instanceof OutOfOrderSequenceException
                    || t instanceof UnknownProducerIdException || t instanceof AuthorizationException
                    || t instanceof UnsupportedVersionException || t instanceof IllegalStateException) {
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
        return replacing.get();
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
     * Reports a failure of a send on {@code producer}. Never blocks.
     *
     * @return whether the failure is fatal for that producer (the caller then leaves the Kafka circuit alone:
     *     the producer is broken, not Kafka)
     */
    public boolean onFailure(Producer<byte[], byte[]> producer, Throwable failure) {
        if (!isFatal(failure)) {
            return false;
        }
        if (producer == current && !closed && replacing.compareAndSet(false, true)) {
            fatalFailures.incrementAndGet();
            lastFatal = String.valueOf(failure);
            log.error("Kafka producer failed fatally ({}); closing it and starting a new one, events in flight on it "
                    + "are answered UNAVAILABLE", failure.toString());
            schedule(() -> replace(producer), Duration.ZERO);
        }
        return true;
    }

    private void replace(Producer<byte[], byte[]> failed) {
        if (failed == current) {
            closeQuietly(failed, Duration.ZERO);
        }
        if (closed) {
            return;
        }
        Producer<byte[], byte[]> next = null;
        try {
            next = factory.get();
            TopicInitializer.loadPartitions(next, topic, metadataTimeout);
        } catch (RuntimeException e) {
            log.error("replacement Kafka producer not ready ({}); trying again in {}", e.toString(), RETRY_DELAY);
            if (next != null) {
                closeQuietly(next, Duration.ZERO);
            }
            schedule(() -> replace(failed), RETRY_DELAY);
            return;
        }
        current = next;
        replacements.incrementAndGet();
        replacing.set(false);
        log.warn("Kafka producer replaced after a fatal failure (replacement #{}); accepting events again",
                replacements.get());
        if (closed) {
            closeQuietly(next, Duration.ZERO);
        }
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            maintenance.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
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
