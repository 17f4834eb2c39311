package dev.ledger.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import dev.ledger.proto.Outcome;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The same ledger on Testcontainers' {@code apache/kafka}. Runs only where a Docker engine is reachable; this
 * project's CI has none, so there it is reported as skipped with the reason below.
 */
@EnabledIf(value = "dev.ledger.testkit.Docker#isAvailable",
        disabledReason = "needs a Docker engine for Testcontainers, and none is reachable here (our CI has no Docker)")
@LedgerTest(kafka = KafkaMode.TESTCONTAINERS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TestcontainersBackendTest {

    @Test
    void aTestcontainersLedgerAcceptsAndDecides(Ledger ledger) {
        assertThat(ledger.kafkaMode()).isEqualTo(KafkaMode.TESTCONTAINERS);
        Receipt r = ledger.client().submit(Mutations.snapshot("on-testcontainers"));
        assertThat(ledger.records().eventIds()).contains(r.eventId());
        assertThat(ledger.records().awaitDecision(r.eventId()).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
    }

    @Test
    void pausingTheContainerHoldsEventsUntilItIsBack(Ledger ledger) throws Exception {
        ledger.stopKafka();
        var pending = ledger.client().submitAsync(Mutations.snapshot("while-paused"));
        ledger.startKafka();
        Receipt r = pending.get(60, TimeUnit.SECONDS);
        assertThat(ledger.records().eventIds()).contains(r.eventId());
    }
}
