package dev.ledger.server.kafka;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of a server that does periodic or blocking Kafka housekeeping, so that no event loop ever does:
 * following the topic's partition count ({@link KafkaEventWriter#refreshPartitions}), repeating the weak
 * durability warning, and replacing a fatally failed producer ({@link ProducerSlot}). Tasks run one at a time; a
 * task that throws is logged and keeps its schedule.
 *
 * <p>Thread-safe. Created and closed by {@code LedgerServer}.
 */
public final class KafkaMaintenance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaMaintenance.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ledger-kafka-maintenance");
        t.setDaemon(true);
        return t;
    });

    /** The thread, for one-off tasks such as a producer replacement. */
    public ScheduledExecutorService executor() {
        return executor;
    }

    /** Runs {@code task} every {@code period}, the first time after one period. */
    public void every(Duration period, String name, Runnable task) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{} failed: {}", name, e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the thread; a task running now is interrupted and waited for up to 5 s. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
