package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

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
}
