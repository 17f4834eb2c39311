package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listener against a real server and Kafka, and against stand-in servers: it hears the same facts as
 * {@link LedgerClient#stats()}, which agree with what the futures say, and a failing listener breaks nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerClientListenerTest {

    private static final String TOPIC = "listener-test";
    private static EmbeddedKafka kafka;
    private static LedgerServer server;

    @BeforeAll
    static void startKafkaAndServer() {
        kafka = EmbeddedKafka.startSingleNode();
        server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true).bindAddress("127.0.0.1").port(0).topic(TOPIC).topicPartitions(3).build());
    }

    @AfterAll
    static void stopServerAndKafka() {
        if (server != null) {
            server.shutdownGracefully(Duration.ofSeconds(5));
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String live() {
        return "127.0.0.1:" + server.port();
    }

    private static LedgerClientBuilder client(String... endpoints) {
        return LedgerClient.builder().endpoints(endpoints).clientName("listener-test")
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private static MutationEvent event(int i) {
        return i % 100 == 0
                ? Mutations.transfer("payer", "payee-" + i, -5, 0, null, 0, null, "EUR") // INVALID
                : Mutations.topUp("acc-" + (i % 31), "settlement", 1 + i, "EUR");
    }

    @Test
    void listenerStatsAndReceiptsAgreeOnAThousandEventsFromFourThreads() throws Exception {
        CountingListener heard = new CountingListener();
        List<CompletableFuture<Receipt>> futures = Collections.synchronizedList(new ArrayList<>());
        ClientStats stats;
        try (LedgerClient client = client(live()).listener(heard).build()) {
            assertThat(heard.client).isSameAs(client);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                int base = t * 250;
                pool.execute(() -> {
                    for (int i = base; i < base + 250; i++) {
                        futures.add(client.submitAsync(event(i)));
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null)
                    .get(60, TimeUnit.SECONDS);
            stats = client.stats();

            long accepted = futures.stream().filter(f -> !f.isCompletedExceptionally())
                    .filter(f -> f.join().status() == Status.STATUS_ACCEPTED).count();
            long invalid = futures.stream().filter(f -> rejectedWith(f, Status.STATUS_INVALID)).count();
            assertThat(accepted).isEqualTo(990);
            assertThat(invalid).isEqualTo(10);
            assertThat(heard.count("eventCompleted ACCEPTED STATUS_ACCEPTED")).isEqualTo(accepted)
                    .isEqualTo(stats.eventsAccepted());
            assertThat(heard.count("eventCompleted REJECTED STATUS_INVALID")).isEqualTo(invalid)
                    .isEqualTo(stats.eventsFailed());
            assertThat(heard.countStartingWith("eventCompleted")).isEqualTo(1_000);
            assertThat(heard.count("submitSent " + live())).isEqualTo(stats.framesSent());
            assertThat(heard.eventsSent.sum()).isEqualTo(stats.eventsSent()).isGreaterThanOrEqualTo(1_000);
            assertThat(heard.count("submitAnswered " + live())).isEqualTo(stats.framesAnswered())
                    .isEqualTo(stats.framesSent());
            assertThat(heard.eventsAnswered.sum()).isEqualTo(stats.eventsSent());
            assertThat(heard.count("eventRetried")).isEqualTo(stats.eventsRetried());
            assertThat(heard.count("connectionOpened " + live())).isEqualTo(stats.connectionsOpened()).isEqualTo(1);
            assertThat(heard.negativeDurations.sum()).isZero();
            assertThat(stats.eventsInFlight()).isZero();
            assertThat(stats.connectionsOpen()).isEqualTo(1);
            assertThat(stats.listenerFailures()).isZero();
        }
        assertThat(heard.count("connectionLost " + live())).as("closing the client ends its connection").isEqualTo(1);
    }

    private static boolean rejectedWith(CompletableFuture<Receipt> future, Status status) {
        try {
            future.join();
            return false;
        } catch (CompletionException e) {
            return e.getCause() instanceof LedgerRejectedException r && r.status() == status;
        }
    }

    @Test
    void aListenerThatThrowsFromEveryMethodBreaksNoSubmit() throws Exception {
        LedgerClientListener broken = new LedgerClientListener() {
            @Override
            public void clientStarted(LedgerClient client) {
                throw new IllegalStateException("listener bug (test)");
            }

            @Override
            public void submitSent(String endpoint, int events) {
                throw new IllegalStateException("listener bug (test)");
            }

            @Override
            public void submitAnswered(String endpoint, int events, long roundTripNanos) {
                throw new IllegalStateException("listener bug (test)");
            }

            @Override
            public void eventCompleted(EventOutcome outcome, Status status, long latencyNanos) {
                throw new IllegalStateException("listener bug (test)");
            }

            @Override
            public void connectionOpened(String endpoint) {
                throw new IllegalStateException("listener bug (test)");
            }
        };
        try (LedgerClient client = client(live()).listener(broken).build()) {
            List<CompletableFuture<Receipt>> futures = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                futures.add(client.submitAsync(Mutations.topUp("acc-" + i, "settlement", i, "EUR")));
            }
            Receipt blocking = client.submit(Mutations.topUp("acc-0", "settlement", 1, "EUR"));

            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            assertThat(blocking.status()).isEqualTo(Status.STATUS_ACCEPTED);
            ClientStats stats = client.stats();
            assertThat(stats.eventsAccepted()).isEqualTo(201);
            assertThat(stats.listenerFailures()).as("clientStarted, connectionOpened, one per Submit, Ack and event")
                    .isGreaterThanOrEqualTo(2 + 2 * stats.framesSent() + 201);
        }
    }

    @Test
    void connectionsOpenedLostAndFailedAreReportedAsStatsCountThem() throws Exception {
        CountingListener heard = new CountingListener();
        String dead = LedgerClientTest.deadEndpoint();
        ClientStats stats;
        try (StandInServer dropping = new StandInServer(true)) {
            LedgerClient client = client(dropping.endpoint(), dead).listener(heard).build();
            try (client) {
                awaitTrue(() -> heard.count("connectionLost " + dropping.endpoint()) >= 2
                        && heard.count("connectFailed " + dead) >= 1);
            }
            stats = client.stats(); // closed: no more facts
            assertThat(heard.count("connectionOpened " + dropping.endpoint())).isEqualTo(stats.connectionsOpened())
                    .isGreaterThanOrEqualTo(2);
            assertThat(heard.count("connectionLost " + dropping.endpoint())).isEqualTo(stats.connectionsLost());
            assertThat(heard.countStartingWith("connectFailed")).isEqualTo(stats.connectFailures());
            assertThat(heard.countStartingWith("connectFailed " + dropping.endpoint()))
                    .as("a connection dropped after its Welcome is lost, not failed").isZero();
            assertThat(stats.connectionsOpen()).isZero();
        }
    }

    @Test
    void backpressureIsReportedAsRefusedEventsAndAsWaitsForRoom() throws Exception {
        CountingListener heard = new CountingListener();
        try (StandInServer unavailable = new StandInServer(false);
             LedgerClient client = client(unavailable.endpoint()).listener(heard).maxInFlightEvents(5)
                     .maxEventsPerBatch(5).requestTimeout(Duration.ofSeconds(1)).build()) {
            List<CompletableFuture<Receipt>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(client.submitAsync(Mutations.topUp("acc-" + i, "settlement", 1 + i, "EUR")));
            }
            assertThat(heard.count("eventCompleted BACKPRESSURE STATUS_UNSPECIFIED")).isEqualTo(3);
            assertThatThrownBy(() -> client.submit(Mutations.topUp("acc-9", "settlement", 9, "EUR")))
                    .isInstanceOf(LedgerTimeoutException.class);
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null)
                    .get(30, TimeUnit.SECONDS);

            ClientStats stats = client.stats();
            assertThat(heard.count("waitingForRoom 1")).isEqualTo(stats.waitsForRoom()).isEqualTo(1);
            assertThat(heard.count("eventCompleted TIMED_OUT STATUS_UNSPECIFIED")).isEqualTo(6);
            assertThat(heard.countStartingWith("eventCompleted")).isEqualTo(stats.eventsFailed()).isEqualTo(9);
            assertThat(heard.count("eventRetried")).isEqualTo(stats.eventsRetried()).isPositive();
            assertThat(stats.eventsAccepted()).isZero();
            assertThat(stats.eventsInFlight()).isZero();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
