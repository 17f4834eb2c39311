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
}
