package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.AdminHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's {@code /metrics} scraped while the SDK sends: the accepted count only grows, never passes what was
 * sent, and at the end equals the ACCEPTED receipts the client holds (plus the resends it made, if any).
 */
class ServerMetricsUnderLoadTest {

    private static final int EVENTS = 6_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void acceptedEventsInMetricsEqualAcceptedReceipts() throws Exception {
        int admin = AdminHttp.freePort();
        try (EmbeddedKafka kafka = EmbeddedKafka.startSingleNode()) {
            LedgerServer server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                    .developmentMode(true).bindAddress("127.0.0.1").port(0).topic("client-metrics").topicPartitions(3)
                    .adminPort(admin).build());
            try (LedgerClient client = LedgerClient.builder().endpoints("127.0.0.1:" + server.port())
                    .clientName("metrics-load").connectionsPerEndpoint(4).requestTimeout(Duration.ofSeconds(60)).build()) {
                AtomicBoolean sending = new AtomicBoolean(true);
                AtomicLong scrapes = new AtomicLong();
                CompletableFuture<Void> scraper = CompletableFuture.runAsync(() -> {
                    double last = 0;
                    while (sending.get()) {
                        double now = AdminHttp.sample(AdminHttp.get(admin, "/metrics").body(), "ledger_events_total",
                                Map.of("status", "accepted"));
                        assertThat(now).as("a counter never goes back").isGreaterThanOrEqualTo(last);
                        assertThat(now).isLessThanOrEqualTo(EVENTS + client.stats().eventsRetried());
                        last = now;
                        scrapes.incrementAndGet();
                    }
                });
                List<CompletableFuture<Receipt>> futures = new ArrayList<>(EVENTS);
                for (int i = 0; i < EVENTS; i++) {
                    MutationEvent e = Mutations.transfer("payer-" + (i % 101), "payee-" + i, 100 + i, 0, null, 0,
                            null, "EUR");
                    futures.add(client.submitAsync(e));
                    if (i % 500 == 499) {
                        Thread.sleep(20); // spread the load over the scrapes
                    }
                }
                long accepted = 0;
                for (CompletableFuture<Receipt> f : futures) {
                    accepted += f.get(60, TimeUnit.SECONDS).status() == Status.STATUS_ACCEPTED ? 1 : 0;
                }
                sending.set(false);
                scraper.get(30, TimeUnit.SECONDS);
                assertThat(accepted).isEqualTo(EVENTS);
                assertThat(scrapes.get()).as("scraped during the load").isPositive();
                String text = AdminHttp.get(admin, "/metrics").body();
                assertThat(AdminHttp.sample(text, "ledger_events_total", Map.of("status", "accepted")))
                        .isEqualTo(accepted + client.stats().eventsRetried());
                assertThat(AdminHttp.sample(text, "ledger_events_total", Map.of("type", "transfer")))
                        .isEqualTo(accepted + client.stats().eventsRetried());
                assertThat(AdminHttp.sample(text, "ledger_frames_received_total", Map.of("kind", "submit")))
                        .isEqualTo(client.stats().framesSent());
                assertThat(AdminHttp.sample(text, "ledger_connection_attempts_total", Map.of("result", "accepted")))
                        .isEqualTo(client.stats().connectionsOpened());
            } finally {
                server.shutdownGracefully(Duration.ofSeconds(5));
            }
        }
    }
}
