package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The housekeeping thread that repeats the weak-durability warning and follows the partition count. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KafkaMaintenanceTest {

    @Test
    void periodicTaskRepeatsOffTheCallerAndSurvivesItsOwnFailure() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch threeRuns = new CountDownLatch(3);
        String[] thread = new String[1];
        try (KafkaMaintenance maintenance = new KafkaMaintenance()) {
            maintenance.every(Duration.ofMillis(20), "flaky task", () -> {
                thread[0] = Thread.currentThread().getName();
                threeRuns.countDown();
                if (runs.incrementAndGet() == 1) {
                    throw new IllegalStateException("first run fails");
                }
            });
            assertThat(threeRuns.await(10, TimeUnit.SECONDS)).as("ran again after throwing").isTrue();
        }
        assertThat(thread[0]).isEqualTo("ledger-kafka-maintenance");
        int afterClose = runs.get();
        Thread.sleep(100);
        assertThat(runs.get()).as("no run after close").isEqualTo(afterClose);
    }
}
