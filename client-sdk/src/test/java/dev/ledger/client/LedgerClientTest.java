package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.TopicRecords;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against a real server and a real single-node Kafka, shared by the tests of this class. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerClientTest {

    private static final String TOPIC = "client-test";
    private static EmbeddedKafka kafka;
    private static LedgerServer server;
    /** Same Kafka, tight limits and a required token, to prove the client honours Welcome and Error. */
    private static LedgerServer strictServer;

    @BeforeAll
    static void startKafkaAndServer() {
        kafka = EmbeddedKafka.startSingleNode();
        server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true).bindAddress("127.0.0.1").port(0).topic(TOPIC).topicPartitions(3).build());
        strictServer = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic(TOPIC).topicPartitions(3).maxEventsPerSubmit(7)
                .maxInFlightEventsPerConnection(20).maxFrameBytes(4_096).authTokens(List.of("good-token")).build());
    }

    @AfterAll
    static void stopServerAndKafka() {
        for (LedgerServer s : new LedgerServer[] {server, strictServer}) {
            if (s != null) {
                s.shutdownGracefully(Duration.ofSeconds(5));
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static String live() {
        return "127.0.0.1:" + server.port();
    }

    static String deadEndpoint() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static LedgerClientBuilder client(String... endpoints) {
        return LedgerClient.builder().endpoints(endpoints).clientName("client-test")
                .requestTimeout(Duration.ofSeconds(30)).retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private static MutationEvent transfer(int i) {
        return Mutations.transfer("payer-" + (i % 97), "payee-" + i, 1_000 + i, 10, "fees", 5, "taxes", "EUR");
    }

    @Test
    void tenThousandConcurrentSubmitsFromEightThreadsAreAllAcceptedAndInKafka() throws Exception {
        int threads = 8;
        int perThread = 1_250;
        List<CompletableFuture<Receipt>> futures = Collections.synchronizedList(new ArrayList<>());
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        try (LedgerClient client = client(live()).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                pool.execute(() -> {
                    await(start);
                    for (int i = 0; i < perThread; i++) {
                        MutationEvent event = transfer(base + i);
                        ids.add(event.getEventId());
                        futures.add(client.submitAsync(event));
                    }
                });
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(90, TimeUnit.SECONDS);
            assertThat(futures).hasSize(threads * perThread)
                    .allSatisfy(f -> assertThat(f.join().status()).isEqualTo(Status.STATUS_ACCEPTED));
            assertThat(client.stats().eventsAccepted()).isEqualTo(threads * perThread);
        }
        assertThat(TopicRecords.eventIdsIn(kafka.bootstrapServers(), TOPIC, ids, Duration.ofSeconds(60)))
                .containsAll(ids);
    }

    @Test
    void batchingCoalescesConcurrentSubmitsIntoFewerFramesThanEvents() throws Exception {
        try (LedgerClient client = client(live()).linger(Duration.ofMillis(5)).build()) {
            List<CompletableFuture<Receipt>> futures = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                pool.execute(() -> {
                    for (int i = 0; i < 500; i++) {
                        futures.add(client.submitAsync(transfer(i)));
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);

            ClientStats stats = client.stats();
            assertThat(stats.eventsSent()).isGreaterThanOrEqualTo(2_000);
            assertThat(stats.framesSent()).isLessThan(stats.eventsSent());
        }
    }

    @Test
    void listSubmitKeepsItsEventsInOneFrameAndReturnsReceiptsInOrder() {
        try (LedgerClient client = client(live()).build()) {
            List<MutationEvent> events = new ArrayList<>();
            events.add(Mutations.createAccount("acc-list", "EUR", "List Owner", AccountGroup.ACCOUNT_GROUP_CUSTOMER));
            for (int i = 0; i < 9; i++) {
                events.add(Mutations.topUp("acc-list", "settlement", 100 + i, "EUR"));
            }

            List<Receipt> receipts = client.submit(events);

            assertThat(receipts).extracting(Receipt::eventId)
                    .containsExactlyElementsOf(events.stream().map(MutationEvent::getEventId).toList());
            assertThat(receipts).allSatisfy(r -> assertThat(r.offset()).isNotNegative());
            assertThat(client.stats().framesSent()).isEqualTo(1);
            assertThat(client.stats().eventsSent()).isEqualTo(10);
        }
    }

    @Test
    void blockingSubmitReturnsAnAcceptedReceiptWithPartitionAndOffset() {
        try (LedgerClient client = client(live()).build()) {
            MutationEvent event = Mutations.snapshot("client-test");

            Receipt receipt = client.submit(event);

            assertThat(receipt.eventId()).isEqualTo(event.getEventId());
            assertThat(receipt.status()).isEqualTo(Status.STATUS_ACCEPTED);
            assertThat(receipt.partition()).isBetween(0, 2);
            assertThat(receipt.offset()).isNotNegative();
        }
    }

    @Test
    void invalidEventSurfacesTheServerReasonAndIsNotRetried() {
        try (LedgerClient client = client(live()).build()) {
            MutationEvent bad = Mutations.transfer("payer", "payee", -5, 0, null, 0, null, "EUR");

            CompletableFuture<Receipt> future = client.submitAsync(bad);

            assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(LedgerRejectedException.class, e -> {
                        assertThat(e.status()).isEqualTo(Status.STATUS_INVALID);
                        assertThat(e.eventId()).isEqualTo(bad.getEventId());
                        assertThat(e.reason()).contains("amount_minor");
                    });
            assertThatThrownBy(() -> client.submit(bad)).isInstanceOf(LedgerRejectedException.class);
            assertThat(client.stats().eventsRetried()).isZero();
            assertThat(client.stats().eventsSent()).isEqualTo(2);
        }
    }

    @Test
    void deadEndpointInTheListIsSkippedAndSubmitsSucceed() throws Exception {
        try (LedgerClient client = client(deadEndpoint(), live(), deadEndpoint()).build()) {
            for (int i = 0; i < 50; i++) {
                assertThat(client.submit(transfer(i)).status()).isEqualTo(Status.STATUS_ACCEPTED);
            }
            List<Receipt> receipts = client.submitAsync(List.of(transfer(1), transfer(2))).get(30, TimeUnit.SECONDS);
            assertThat(receipts).hasSize(2);
        }
    }

    @Test
    void severalConnectionsPerEndpointShareTheLoad() {
        try (LedgerClient client = client(live()).connectionsPerEndpoint(3).build()) {
            List<CompletableFuture<Receipt>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                futures.add(client.submitAsync(transfer(i)));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();

            assertThat(client.stats().eventsAccepted()).isEqualTo(300);
            assertThat(client.stats().connectionsOpened()).isEqualTo(3);
        }
    }

    @Test
    void closeWhileInFlightCompletesEveryFutureAcceptedOrClosed() {
        LedgerClient client = client(live()).build();
        List<CompletableFuture<Receipt>> futures = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            futures.add(client.submitAsync(transfer(i)));
        }

        client.close();

        assertThat(futures).allSatisfy(f -> {
            assertThat(f).isDone();
            f.handle((receipt, failure) -> {
                if (failure == null) {
                    assertThat(receipt.status()).isEqualTo(Status.STATUS_ACCEPTED);
                } else {
                    assertThat(failure).isInstanceOf(LedgerClosedException.class);
                }
                return null;
            }).join();
        });
        assertThatThrownBy(() -> client.submitAsync(transfer(1)).join())
                .cause().isInstanceOf(LedgerClosedException.class);
        assertThatThrownBy(() -> client.submit(transfer(1))).isInstanceOf(LedgerClosedException.class);
    }

    @Test
    void serverWelcomeLimitsOnEventsPerSubmitAndInFlightAreHonoured() throws Exception {
        try (LedgerClient client = client("127.0.0.1:" + strictServer.port()).authToken("good-token").build()) {
            List<MutationEvent> list = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                list.add(transfer(i));
            }
            CompletableFuture<List<Receipt>> listFuture = client.submitAsync(list);
            List<CompletableFuture<Receipt>> singles = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                singles.add(client.submitAsync(transfer(i)));
            }

            assertThat(listFuture.get(60, TimeUnit.SECONDS)).hasSize(50);
            CompletableFuture.allOf(singles.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            ClientStats stats = client.stats();
            assertThat(stats.eventsAccepted()).isEqualTo(250);
            assertThat(stats.framesSent()).isGreaterThanOrEqualTo((250 + 6) / 7);
            assertThat(stats.eventsRetried()).isZero();
        }
    }

    @Test
    void eventLargerThanTheServersFrameLimitIsRejectedWithoutSending() {
        try (LedgerClient client = client("127.0.0.1:" + strictServer.port()).authToken("good-token").build()) {
            client.submit(Mutations.snapshot("connected"));
            MutationEvent huge = Mutations.createAccount("acc-huge", "EUR", "x".repeat(10_000),
                    AccountGroup.ACCOUNT_GROUP_CUSTOMER);

            assertThatThrownBy(() -> client.submit(huge)).isInstanceOfSatisfying(LedgerRejectedException.class,
                    e -> {
                        assertThat(e.status()).isEqualTo(Status.STATUS_INVALID);
                        assertThat(e.reason()).contains("max frame");
                    });
            assertThat(client.stats().eventsSent()).isEqualTo(1);
        }
    }

    @Test
    void wrongTokenIsRejectedAsUnauthenticated() {
        try (LedgerClient client = client("127.0.0.1:" + strictServer.port()).authToken("wrong").build()) {
            assertThatThrownBy(() -> client.submit(Mutations.snapshot("denied")))
                    .isInstanceOfSatisfying(LedgerRejectedException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.STATUS_UNAUTHENTICATED));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
