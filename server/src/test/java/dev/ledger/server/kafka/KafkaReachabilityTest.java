package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** The readiness verdict on plain objects: the probe's outcomes and the circuit, on one stepped clock. */
class KafkaReachabilityTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final KafkaCircuit circuit = new KafkaCircuit(1, 1000, 1000, clock::get);
    private final KafkaReachability reachability = new KafkaReachability(null, "t", clock::get);

    /** A probe that begins now and ends {@code ms} later. */
    private void probe(Throwable failure, long ms) {
        long started = clock.get();
        clock.addAndGet(ms * MS);
        reachability.probed(started, failure);
    }

    @Test
    void notReadyUntilTheFirstProbeReadsTheMetadata() {
        assertThat(reachability.problem(circuit)).contains("not probed yet");
        probe(new TimeoutException("no broker"), 2000);
        assertThat(reachability.problem(circuit)).contains("unreachable", "no broker");
        probe(null, 5);
        assertThat(reachability.problem(circuit)).isNull();
    }

    @Test
    void anOpenCircuitIsNotReadyUntilItsOpenPeriodPassedAndKafkaWasReachedAfterItsLastFailure() {
        probe(null, 5);
        clock.addAndGet(10 * MS);
        circuit.onFailure("broker down");
        assertThat(circuit.isOpen()).isTrue();
        assertThat(reachability.problem(circuit)).as("failure newer than the last good probe")
                .contains("circuit open", "broker down");
        clock.addAndGet(10 * MS);
        probe(null, 5);
        assertThat(reachability.problem(circuit)).as("reached, but a send would still be refused")
                .contains("circuit open");
        // Kafka is back and the open period over. No client sends (a server that is not ready is out of its load
        // balancer), so no send closes the circuit: the probe must make the server ready again.
        clock.addAndGet(1000 * MS);
        probe(null, 5);
        assertThat(circuit.isOpen()).isTrue();
        assertThat(reachability.problem(circuit)).isNull();
        // The next send (the circuit's probe) fails again: not ready until the same holds again.
        circuit.onFailure("still failing");
        assertThat(reachability.problem(circuit)).contains("circuit open", "still failing");
    }

    @Test
    void aProbeBegunBeforeTheLastFailureDoesNotClearIt() {
        long started = clock.get();
        clock.addAndGet(MS);
        circuit.onFailure("broker down");
        clock.addAndGet(2000 * MS);
        reachability.probed(started, null);
        assertThat(reachability.problem(circuit)).contains("circuit open");
    }

    @Test
    void aClosedCircuitLeavesOnlyTheProbe() {
        probe(null, 5);
        circuit.onFailure("one timeout");
        circuit.onSuccess();
        assertThat(reachability.problem(circuit)).isNull();
    }
}
