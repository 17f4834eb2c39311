package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.MutationEvent;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/** Servers and brokers going away under a running client; a real Kafka cluster of its own. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerClientFailoverTest {

    private static final String TOPIC = "failover-test";
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.startSingleNode();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static LedgerServer startServer(int port) {
        return LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true)
                .bindAddress("127.0.0.1").port(port).topic(TOPIC).topicPartitions(3).ackTimeoutMs(1_000).build());
    }

    @Test
    @Order(1)
    void serversRestartedMidStreamLeaveNoFutureHangingAndEveryAcceptedIdIsInKafka() throws Exception {
        LedgerServer a = startServer(0);
        LedgerServer b = startServer(0);
        int portA = a.port();
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        LedgerServer a2 = null;
        try (LedgerClient client = LedgerClient.builder().endpoints("127.0.0.1:" + portA, "127.0.0.1:" + b.port())
                .requestTimeout(Duration.ofSeconds(20)).retryBackoff(Duration.ofMillis(20), Duration.ofMillis(300))
                .build()) {
            Thread producer = new Thread(() -> {
                int i = 0;
                while (!stop.get() && i < 200_000) {
                    List<MutationEvent> chunk = new ArrayList<>();
                    for (int k = 0; k < 20; k++, i++) {
                        chunk.add(Mutations.topUp("acc-" + (i % 50), "settlement", 1 + i, "EUR"));
                    }
                    for (MutationEvent e : chunk) {
                        synchronized (futures) {
                            ids.add(e.getEventId());
                            futures.add(client.submitAsync(e));
                        }
                    }
                    sleepMillis(2);
                }
            }, "failover-producer");
            producer.start();

            sleepMillis(700);
            a.shutdownGracefully(Duration.ofSeconds(5)); // GoAway, drain, close
            a2 = startServer(portA); // back on the same port
            sleepMillis(700);
            b.shutdownGracefully(Duration.ofSeconds(5)); // now only the restarted server is left
            sleepMillis(700);
            stop.set(true);
            producer.join();

            List<CompletableFuture<Receipt>> all;
            synchronized (futures) {
                all = new ArrayList<>(futures);
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
                    .handle((v, e) -> null).get(40, TimeUnit.SECONDS);
            assertThat(all).isNotEmpty().allSatisfy(f -> assertThat(f).isDone());
            List<String> accepted = all.stream().filter(f -> !f.isCompletedExceptionally())
                    .map(f -> f.join().eventId()).toList();
            assertThat(accepted).hasSameSizeAs(all); // a server was always reachable: retries carried every event
            assertThat(TopicRecords.eventIdsIn(kafka.bootstrapServers(), TOPIC, accepted, Duration.ofSeconds(60)))
                    .containsAll(accepted);
            assertThat(client.stats().connectionsOpened()).isGreaterThanOrEqualTo(3);
        } finally {
            a.close();
            b.close();
            if (a2 != null) {
                a2.shutdownGracefully(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    @Order(2)
    void eventsAnsweredUnavailableWhileBrokersAreDownAreResentWithTheSameIdsAndAccepted() throws Exception {
        LedgerServer server = startServer(0);
        boolean brokersUp = true;
        try (LedgerClient client = LedgerClient.builder().endpoints("127.0.0.1:" + server.port())
                .requestTimeout(Duration.ofSeconds(60)).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build()) {
            client.submit(Mutations.snapshot("warm-up"));
            kafka.stopAllBrokers();
            brokersUp = false;
            List<MutationEvent> events = new ArrayList<>();
            List<CompletableFuture<Receipt>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                MutationEvent e = Mutations.topUp("acc-" + i, "settlement", 10 + i, "EUR");
                events.add(e);
                futures.add(client.submitAsync(e));
            }
            long retriedBefore;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((retriedBefore = client.stats().eventsRetried()) == 0 && System.nanoTime() < deadline) {
                sleepMillis(50);
            }
            assertThat(retriedBefore).as("UNAVAILABLE answers seen while brokers are down").isPositive();
            kafka.startAllBrokers();
            brokersUp = true;

            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            List<String> ids = events.stream().map(MutationEvent::getEventId).toList();
            assertThat(futures).extracting(f -> f.join().eventId()).containsExactlyElementsOf(ids);
            assertThat(TopicRecords.eventIdsIn(kafka.bootstrapServers(), TOPIC, ids, Duration.ofSeconds(60)))
                    .containsAll(ids);
        } finally {
            if (!brokersUp) {
                kafka.startAllBrokers();
            }
            server.shutdownGracefully(Duration.ofSeconds(2));
        }
    }

    @Test
    @Order(3)
    void brokersDownEndsInTimeoutNamingTheLastStatusWithinDeadlinePlusSlack() throws Exception {
        LedgerServer server = startServer(0);
        try (LedgerClient client = LedgerClient.builder().endpoints("127.0.0.1:" + server.port())
                .requestTimeout(Duration.ofSeconds(3)).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(300))
                .build()) {
            client.submit(Mutations.snapshot("warm-up")); // connected and Kafka reachable
            kafka.stopAllBrokers();

            CompletableFuture<Receipt> future = client.submitAsync(Mutations.topUp("acc", "settle", 5, "EUR"));
            Throwable failure = LedgerClientNoServerTest.assertFailsWithin(future, Duration.ofSeconds(3 + 2));

            assertThat(failure).isInstanceOf(LedgerTimeoutException.class)
                    .hasMessageContaining("not accepted within 3000 ms");
            assertThat(failure.getMessage()).containsAnyOf("STATUS_UNAVAILABLE", "STATUS_OVERLOADED");
        } finally {
            kafka.startAllBrokers();
            server.shutdownGracefully(Duration.ofSeconds(2));
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
