package dev.ledger.client.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.ClientStats;
import dev.ledger.client.LedgerClient;
import dev.ledger.client.LedgerRejectedException;
import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.testkit.Ledger;
import dev.ledger.testkit.LedgerTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters of a client under load against a real ledger (Kafka and server, no core), and across a restart. */
@LedgerTest(core = false)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerClientMetricsLedgerTest {

    private static double counter(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }

    private static MutationEvent event(int i) {
        return i % 100 == 0
                ? Mutations.transfer("payer", "payee-" + i, -5, 0, null, 0, null, "EUR") // INVALID
                : Mutations.topUp("acc-" + (i % 31), "settlement", 1 + i, "EUR");
    }

    @Test
    void metersAgreeWithReceiptsAndStatsOverAThousandEvents(Ledger ledger) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LedgerClientMetrics metrics = new LedgerClientMetrics(Tags.of("client", "metrics-test"));
        metrics.bindTo(registry);
        try (LedgerClient client = ledger.clientBuilder().listener(metrics.listener()).build()) {
            List<CompletableFuture<Receipt>> futures = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                futures.add(client.submitAsync(event(i)));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null)
                    .get(60, TimeUnit.SECONDS);
            ClientStats stats = client.stats();

            long accepted = futures.stream().filter(f -> !f.isCompletedExceptionally()).count();
            long invalid = futures.stream().filter(LedgerClientMetricsLedgerTest::invalid).count();
            assertThat(accepted).isEqualTo(990);
            assertThat(invalid).isEqualTo(10);
            assertThat(counter(registry, "ledger.client.events", "outcome", "accepted", "status", "accepted"))
                    .isEqualTo(accepted).isEqualTo(stats.eventsAccepted());
            assertThat(counter(registry, "ledger.client.events", "outcome", "rejected", "status", "invalid"))
                    .isEqualTo(invalid).isEqualTo(stats.eventsFailed());
            assertThat(registry.get("ledger.client.event.duration").tag("outcome", "accepted").timer().count())
                    .isEqualTo(accepted);
            assertThat(counter(registry, "ledger.client.submits")).isEqualTo(stats.framesSent());
            assertThat(counter(registry, "ledger.client.events.sent")).isEqualTo(stats.eventsSent());
            assertThat(registry.get("ledger.client.submit.duration").timer().count())
                    .isEqualTo(stats.framesAnswered()).isEqualTo(stats.framesSent());
            assertThat(counter(registry, "ledger.client.resends")).isEqualTo(stats.eventsRetried());
            assertThat(gauge(registry, "ledger.client.inflight")).isZero();
            assertThat(gauge(registry, "ledger.client.connections")).isEqualTo(1);
        }
        assertThat(gauge(registry, "ledger.client.connections")).as("closed").isZero();
    }

    private static boolean invalid(CompletableFuture<Receipt> future) {
        try {
            future.join();
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof LedgerRejectedException r && r.status() == Status.STATUS_INVALID;
        }
    }

    @Test
    void aServerRestartShowsAsALostAndAReopenedConnection(Ledger ledger) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LedgerClientMetrics metrics = new LedgerClientMetrics();
        metrics.bindTo(registry);
        try (LedgerClient client = ledger.clientBuilder().listener(metrics.listener())
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build()) {
            assertThat(client.submit(Mutations.topUp("before", "settlement", 1, "EUR")).status())
                    .isEqualTo(Status.STATUS_ACCEPTED);
            assertThat(gauge(registry, "ledger.client.connections")).isEqualTo(1);

            ledger.restartServer();
            assertThat(client.submit(Mutations.topUp("after", "settlement", 1, "EUR")).status())
                    .isEqualTo(Status.STATUS_ACCEPTED);

            ClientStats stats = client.stats();
            assertThat(counter(registry, "ledger.client.connections.lost")).isEqualTo(stats.connectionsLost())
                    .isEqualTo(1);
            assertThat(counter(registry, "ledger.client.connection.attempts", "result", "opened"))
                    .isEqualTo(stats.connectionsOpened()).isEqualTo(2);
            assertThat(counter(registry, "ledger.client.connection.attempts", "result", "failed"))
                    .isEqualTo(stats.connectFailures());
            assertThat(gauge(registry, "ledger.client.connections")).isEqualTo(1);
        }
    }
}
