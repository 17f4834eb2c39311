package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KafkaCircuitTest {

    @Test
    void staysClosedBelowTheFailureThreshold() {
        KafkaCircuit circuit = new KafkaCircuit(3, 60_000, 60_000);
        circuit.onFailure("x");
        circuit.onFailure("x");
        assertThat(circuit.allowSend()).isTrue();
    }

    @Test
    void successResetsTheFailureCount() {
        KafkaCircuit circuit = new KafkaCircuit(3, 60_000, 60_000);
        circuit.onFailure("x");
        circuit.onFailure("x");
        circuit.onSuccess();
        circuit.onFailure("x");
        assertThat(circuit.allowSend()).isTrue();
    }

    @Test
    void opensAfterConsecutiveFailuresAndNamesTheLastOne() {
        KafkaCircuit circuit = new KafkaCircuit(3, 60_000, 60_000);
        for (int i = 0; i < 3; i++) {
            circuit.onFailure("broker gone " + i);
        }
        assertThat(circuit.allowSend()).isFalse();
        assertThat(circuit.isOpen()).isTrue();
        assertThat(circuit.refusalReason()).contains("broker gone 2").contains("retry with the same event_id");
    }

    @Test
    void letsOneProbeThroughAfterTheOpenPeriodAndClosesOnSuccess() {
        KafkaCircuit circuit = new KafkaCircuit(1, 0, 60_000);
        circuit.onFailure("x");
        assertThat(circuit.allowSend()).as("the probe").isTrue();
        assertThat(circuit.allowSend()).as("others wait for the probe").isFalse();
        circuit.onSuccess();
        assertThat(circuit.allowSend()).isTrue();
        assertThat(circuit.isOpen()).isFalse();
    }

    @Test
    void failedProbeOpensTheCircuitAgain() {
        KafkaCircuit circuit = new KafkaCircuit(1, 60_000, 60_000);
        KafkaCircuit quick = new KafkaCircuit(1, 0, 60_000);
        quick.onFailure("x");
        assertThat(quick.allowSend()).isTrue();
        quick.onFailure("probe failed");
        assertThat(quick.refusalReason()).contains("probe failed");
        circuit.onFailure("x");
        assertThat(circuit.allowSend()).isFalse();
    }
    @Test
    void opensOnExactlyTheThresholdthFailure() {
        KafkaCircuit circuit = new KafkaCircuit(3, 60_000, 60_000);
        circuit.onFailure("a");
        circuit.onFailure("b");
        assertThat(circuit.isOpen()).isFalse();
        circuit.onFailure("c");
        assertThat(circuit.isOpen()).isTrue();
        assertThat(circuit.refusalReason()).contains("3 consecutive failures").contains("last: c");
    }

    @Test
    void aSuccessWhileOpenClosesItAndClearsTheCount() {
        KafkaCircuit circuit = new KafkaCircuit(2, 60_000, 60_000);
        circuit.onFailure("x");
        circuit.onFailure("x");
        assertThat(circuit.allowSend()).isFalse();
        circuit.onSuccess(); // a late acknowledgement of a record sent before the circuit opened
        assertThat(circuit.isOpen()).isFalse();
        assertThat(circuit.allowSend()).isTrue();
        circuit.onFailure("y");
        assertThat(circuit.allowSend()).as("one failure after the reset is below the threshold").isTrue();
        assertThat(circuit.refusalReason()).contains("1 consecutive failures");
    }

    @Test
    void aProbeWithoutAnOutcomeIsReplacedAfterTheProbeTimeout() {
        KafkaCircuit circuit = new KafkaCircuit(1, 0, 0);
        circuit.onFailure("x");
        assertThat(circuit.allowSend()).as("the first probe").isTrue();
        assertThat(circuit.allowSend()).as("its replacement, the first having timed out").isTrue();
        assertThat(circuit.isOpen()).as("half open until an outcome").isTrue();
    }

    @Test
    void failuresWhileOpenKeepItOpenWithoutAProbe() {
        KafkaCircuit circuit = new KafkaCircuit(1, 60_000, 0);
        circuit.onFailure("x");
        circuit.onFailure("late failure of an earlier send");
        assertThat(circuit.allowSend()).isFalse();
        assertThat(circuit.isOpen()).isTrue();
    }

    @Test
    void aFailedProbeOpensTheCircuitWhateverTheThreshold() {
        KafkaCircuit circuit = new KafkaCircuit(5, 0, 60_000);
        for (int i = 0; i < 5; i++) {
            circuit.onFailure("x");
        }
        assertThat(circuit.allowSend()).as("the probe").isTrue();
        circuit.onFailure("probe failed"); // one failure is enough in half open, whatever the threshold
        assertThat(circuit.isOpen()).isTrue();
        assertThat(circuit.allowSend()).as("open again, then a new probe after openMs = 0").isTrue();
        assertThat(circuit.allowSend()).as("which the others wait for").isFalse();
    }
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A circuit on a clock the test moves by hand, opening after one failure. */
    @Test
    void forReadinessAProbeBegunAtTheVeryMomentOfTheLastFailureDoesNotCount() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        KafkaCircuit circuit = onClock(now, 1000, 60_000);
        circuit.onFailure("down");
        long failedAt = now.get();
        now.addAndGet(5_000_000_000L); // long past the open period
        assertThat(circuit.refusesSince(failedAt)).as("probe begun at the failure's nanosecond").isTrue();
        assertThat(circuit.refusesSince(failedAt + 1)).as("probe begun after it").isFalse();
    }

    @Test
    void forReadinessTheOpenPeriodEndsExactlyAfterOpenMs() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        KafkaCircuit circuit = onClock(now, 1000, 60_000);
        circuit.onFailure("down");
        long probeBegun = now.get() + 1;
        now.addAndGet(999_999_999L);
        assertThat(circuit.refusesSince(probeBegun)).as("1 ns before the open period ends").isTrue();
        now.addAndGet(1);
        assertThat(circuit.refusesSince(probeBegun)).as("exactly at its end").isFalse();
        circuit.onSuccess();
        assertThat(circuit.refusesSince(0)).as("closed").isFalse();
    }

    private static KafkaCircuit onClock(AtomicLong now, long openMs, long probeTimeoutMs) {
        return new KafkaCircuit(1, openMs, probeTimeoutMs, now::get);
    }

    @Test
    void refusesForExactlyTheOpenPeriodThenLetsOneProbeThrough() {
        AtomicLong now = new AtomicLong(1_000 * MS);
        KafkaCircuit circuit = onClock(now, 100, 60_000);
        circuit.onFailure("x");
        now.addAndGet(100 * MS - 1);
        assertThat(circuit.allowSend()).as("1 ns before the open period ends").isFalse();
        now.addAndGet(1);
        assertThat(circuit.allowSend()).as("the probe, at exactly openMs").isTrue();
        assertThat(circuit.allowSend()).isFalse();
    }

    @Test
    void theOpenPeriodCountsFromTheFailureThatOpenedIt() {
        AtomicLong now = new AtomicLong(0);
        KafkaCircuit circuit = onClock(now, 100, 60_000);
        now.set(5_000 * MS); // long after the circuit was made
        circuit.onFailure("x");
        now.addAndGet(50 * MS);
        assertThat(circuit.allowSend()).isFalse();
    }

    @Test
    void failuresWhileOpenDoNotProlongTheOpenPeriod() {
        AtomicLong now = new AtomicLong(0);
        KafkaCircuit circuit = onClock(now, 100, 60_000);
        circuit.onFailure("opened");
        now.set(90 * MS);
        circuit.onFailure("a late failure of an earlier send");
        now.set(100 * MS);
        assertThat(circuit.allowSend()).as("the probe, 100 ms after the circuit opened").isTrue();
    }

    @Test
    void aProbeWithoutAnOutcomeIsReplacedAtExactlyTheProbeTimeoutAndTheNextWaitsAgain() {
        AtomicLong now = new AtomicLong(0);
        KafkaCircuit circuit = onClock(now, 0, 100);
        circuit.onFailure("x");
        assertThat(circuit.allowSend()).as("the first probe").isTrue();
        now.addAndGet(100 * MS - 1);
        assertThat(circuit.allowSend()).isFalse();
        now.addAndGet(1);
        assertThat(circuit.allowSend()).as("its replacement").isTrue();
        now.addAndGet(100 * MS - 1);
        assertThat(circuit.allowSend()).as("the replacement has its own probe timeout").isFalse();
        now.addAndGet(1);
        assertThat(circuit.allowSend()).isTrue();
    }

    @Test
    void aFailedProbeOpensTheCircuitForAWholeOpenPeriodFromItsFailure() {
        AtomicLong now = new AtomicLong(0);
        KafkaCircuit circuit = onClock(now, 100, 60_000);
        circuit.onFailure("x");
        now.set(100 * MS);
        assertThat(circuit.allowSend()).isTrue();
        now.set(150 * MS);
        circuit.onFailure("probe failed");
        now.set(249 * MS);
        assertThat(circuit.allowSend()).isFalse();
        now.set(250 * MS);
        assertThat(circuit.allowSend()).isTrue();
    }
}
