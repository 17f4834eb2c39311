package dev.ledger.client.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.EventOutcome;
import dev.ledger.client.LedgerClient;
import dev.ledger.client.LedgerClientListener;
import dev.ledger.proto.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The binder on plain calls of its listener, as the SDK makes them; no client, no server. */
class LedgerClientMetricsTest {

    private static final String AT = "127.0.0.1:7070";

    private static double events(MeterRegistry registry, String outcome, String status) {
        return registry.get("ledger.client.events").tags("outcome", outcome, "status", status).functionCounter()
                .count();
    }

    @Test
    void countersCountFromTheStartWhenBoundAfterwardsAndEachRegistryGetsTheSameCounts() {
        LedgerClientMetrics metrics = new LedgerClientMetrics(Tags.of("client", "payments"));
        LedgerClientListener listener = metrics.listener();
        listener.connectionOpened(AT);
        listener.submitSent(AT, 3);
        listener.eventCompleted(EventOutcome.ACCEPTED, Status.STATUS_ACCEPTED, 1_000);

        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(first);
        metrics.bindTo(second);
        metrics.bindTo(first); // twice: no double counting
        listener.eventCompleted(EventOutcome.ACCEPTED, Status.STATUS_ACCEPTED, 2_000);
        listener.eventCompleted(EventOutcome.REJECTED, Status.STATUS_PERMISSION_DENIED, 3_000);
        listener.eventCompleted(EventOutcome.TIMED_OUT, Status.STATUS_UNSPECIFIED, 4_000);
        listener.submitAnswered(AT, 3, 5_000_000);

        for (MeterRegistry registry : new MeterRegistry[] {first, second}) {
            assertThat(events(registry, "accepted", "accepted")).isEqualTo(2);
            assertThat(events(registry, "rejected", "permission_denied")).isEqualTo(1);
            assertThat(events(registry, "rejected", "invalid")).isZero();
            assertThat(events(registry, "timed_out", "none")).isEqualTo(1);
            assertThat(registry.get("ledger.client.submits").tag("client", "payments").functionCounter().count())
                    .isEqualTo(1);
            assertThat(registry.get("ledger.client.events.sent").functionCounter().count()).isEqualTo(3);
            assertThat(registry.get("ledger.client.connections").gauge().value()).isEqualTo(1);
            assertThat(registry.get("ledger.client.inflight").gauge().value()).as("no client yet").isZero();
            assertThat(registry.get("ledger.client.submit.duration").timer().count()).isEqualTo(1);
            assertThat(registry.get("ledger.client.submit.duration").timer().totalTime(TimeUnit.MILLISECONDS))
                    .isEqualTo(5);
            assertThat(registry.get("ledger.client.event.duration").tag("outcome", "accepted").timer().count())
                    .as("timers record once bound").isEqualTo(1);
        }
    }

    @Test
    void connectionsGaugeFollowsOpenedAndLostAndAttemptsCountBothResults() {
        LedgerClientMetrics metrics = new LedgerClientMetrics();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        LedgerClientListener listener = metrics.listener();
        listener.connectionOpened(AT);
        listener.connectionOpened(AT);
        listener.connectionLost(AT, "server left");
        listener.connectFailed(AT, "refused");
        listener.eventRetried();
        listener.waitingForRoom(5);

        assertThat(registry.get("ledger.client.connections").gauge().value()).isEqualTo(1);
        assertThat(registry.get("ledger.client.connection.attempts").tag("result", "opened").functionCounter()
                .count()).isEqualTo(2);
        assertThat(registry.get("ledger.client.connection.attempts").tag("result", "failed").functionCounter()
                .count()).isEqualTo(1);
        assertThat(registry.get("ledger.client.connections.lost").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("ledger.client.resends").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("ledger.client.waits.for.room").functionCounter().count()).isEqualTo(1);
    }

    @Test
    void everyOutcomeAndRejectionStatusHasItsOwnCounter() {
        for (EventOutcome outcome : EventOutcome.values()) {
            assertThat(LedgerClientMetrics.slot(outcome, Status.STATUS_ACCEPTED)).isEqualTo(outcome.ordinal());
        }
        assertThat(List.of(
                LedgerClientMetrics.slot(EventOutcome.REJECTED, Status.STATUS_INVALID),
                LedgerClientMetrics.slot(EventOutcome.REJECTED, Status.STATUS_PERMISSION_DENIED),
                LedgerClientMetrics.slot(EventOutcome.REJECTED, Status.STATUS_UNAUTHENTICATED),
                LedgerClientMetrics.slot(EventOutcome.REJECTED, Status.STATUS_UNSPECIFIED)))
                .doesNotHaveDuplicates().allMatch(slot -> slot >= EventOutcome.values().length);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new LedgerClientMetrics().bindTo(registry);
        assertThat(registry.get("ledger.client.events").functionCounters()).hasSize(EventOutcome.values().length + 4);
        assertThat(registry.get("ledger.client.events").tags("outcome", "rejected", "status", "other")
                .functionCounter().count()).isZero();
    }

    @Test
    void aSecondClientIsRefusedAndTheSdkCountsTheRefusal() {
        LedgerClientMetrics metrics = new LedgerClientMetrics();
        // Port 1 on loopback: nothing listens, connects are refused; no event is submitted.
        try (LedgerClient first = LedgerClient.builder().endpoints("127.0.0.1:1").listener(metrics.listener()).build();
             LedgerClient second = LedgerClient.builder().endpoints("127.0.0.1:1").listener(metrics.listener())
                     .build()) {
            assertThat(first.stats().listenerFailures()).isZero();
            assertThat(second.stats().listenerFailures()).isEqualTo(1);
        }
    }
}
