package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.MutationEvent;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-key order, end to end: events sent back to back with {@code submitAsync} from one thread arrive in Kafka in
 * submit order per Kafka key, over many connections, and with strict key order across a server restart. Each event
 * id is {@code <run>/<key>/<sequence>}; the topic is read back and, per key, the first copy of each id (resends may
 * write one twice) must come in sequence order with none missing. A real server and a real single-node Kafka.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LedgerClientKeyOrderTest {

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

    private static LedgerServer startServer(String topic, int port) {
        return LedgerServer.start(serverConfig(topic, port).build());
    }

    private static ServerConfig.Builder serverConfig(String topic, int port) {
        return ServerConfig.builder().bootstrapServers(kafka.bootstrapServers()).developmentMode(true)
                .bindAddress("127.0.0.1").port(port).topic(topic).topicPartitions(3);
    }

    /**
     * A server whose producer holds each batch {@value #HELD_MS} ms before sending, so at any moment of a steady
     * stream events are in flight, and a shutdown with next to no drain answers them UNAVAILABLE (resent by the
     * client). Without it a restart caught events in flight only by chance (once none in 25 restarts in CI).
     */
    private static LedgerServer startHoldingServer(String topic, int port) {
        return LedgerServer.start(serverConfig(topic, port).producerProperty("linger.ms", String.valueOf(HELD_MS))
                .build());
    }

    private static final int HELD_MS = 200;

    @Test
    void aHundredThousandEventsOverAThousandKeysFromEightThreadsOnEightConnectionsKeepPerKeyOrder()
            throws Exception {
        String topic = "key-order";
        LedgerServer server = startServer(topic, 0);
        int threads = 8;
        int keysPerThread = 125;
        int perKey = 100;
        List<CompletableFuture<Receipt>> futures = Collections.synchronizedList(new ArrayList<>());
        try (LedgerClient client = LedgerClient.builder().endpoints("127.0.0.1:" + server.port())
                .connectionsPerEndpoint(8).maxInFlightEvents(20_000).requestTimeout(Duration.ofSeconds(60))
                .build()) {
            runThreads(threads, t -> {
                // Bursts of 4 events per key, so a key's neighbours often straddle a Submit and a connection change.
                int[] next = new int[keysPerThread];
                for (int i = 0; i < keysPerThread * perKey; i++) {
                    int k = (i / 4) % keysPerThread;
                    futures.add(submitInOrder(client, event("plain", "t" + t + "-k" + k, next[k]++)));
                }
            });

            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(90, TimeUnit.SECONDS);
            assertThat(futures).hasSize(threads * keysPerThread * perKey);
            ClientStats stats = client.stats();
            System.out.printf("KEY-ORDER events=%d frames=%d (%.1f events per Submit)%n", stats.eventsSent(),
                    stats.framesSent(), (double) stats.eventsSent() / stats.framesSent());
        } finally {
            server.shutdownGracefully(Duration.ofSeconds(5));
        }
        Map<String, List<Integer>> order = perKeyOrder(topic, "plain");
        assertThat(order).hasSize(threads * keysPerThread);
        assertInSubmitOrder(order, perKey);
    }

    @Test
    void withStrictKeyOrderAKeysEventsStayInOrderAcrossAServerRestart() throws Exception {
        String topic = "key-order-strict";
        LedgerServer current = startHoldingServer(topic, 0);
        int port = current.port();
        List<LedgerServer> servers = new ArrayList<>(List.of(current));
        int threads = 4;
        int keysPerThread = 50;
        List<CompletableFuture<Receipt>> futures = Collections.synchronizedList(new ArrayList<>());
        int[][] sent = new int[threads][keysPerThread];
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch streaming = new CountDownLatch(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (LedgerClient client = LedgerClient.builder().endpoints("127.0.0.1:" + port).strictKeyOrder(true)
                .connectionsPerEndpoint(2).requestTimeout(Duration.ofSeconds(60))
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build()) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.execute(() -> {
                    for (int i = 0; !stop.get() && i < 200_000; i++) {
                        int k = (i / 4) % keysPerThread;
                        futures.add(submitInOrder(client, event("strict", "t" + thread + "-k" + k,
                                sent[thread][k]++)));
                        if (i == 100) {
                            streaming.countDown();
                        }
                        if (i % 20 == 19) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                        }
                    }
                });
            }
            assertThat(streaming.await(30, TimeUnit.SECONDS)).isTrue();
            // Next to no drain: what is in flight (held by the producer's linger) is answered UNAVAILABLE or lost
            // with its connection, and resent. Two restarts, the second while the client may still be resending.
            for (int restarts = 0; restarts < 2; restarts++) {
                Thread.sleep(300);
                current.shutdownGracefully(Duration.ofMillis(1));
                current = startHoldingServer(topic, port);
                servers.add(current);
            }
            Thread.sleep(300);
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(90, TimeUnit.SECONDS);
            ClientStats stats = client.stats();
            System.out.printf("KEY-ORDER-STRICT events=%d resends=%d lost=%d opened=%d%n", futures.size(),
                    stats.eventsRetried(), stats.connectionsLost(), stats.connectionsOpened());
            assertThat(stats.eventsRetried()).as("events resent after a restart").isPositive();
            assertThat(stats.connectionsOpened()).as("connections to a restarted server too").isGreaterThan(2);
        } finally {
            pool.shutdownNow();
            for (LedgerServer server : servers) {
                server.shutdownGracefully(Duration.ofSeconds(1));
            }
        }
        Map<String, List<Integer>> order = perKeyOrder(topic, "strict");
        assertThat(order).hasSize(threads * keysPerThread);
        for (int t = 0; t < threads; t++) {
            for (int k = 0; k < keysPerThread; k++) {
                assertThat(order.get("t" + t + "-k" + k)).as("events of key t%d-k%d in Kafka", t, k)
                        .hasSize(sent[t][k]);
            }
        }
        assertInSubmitOrder(order, -1);
    }

    /** Runs {@code body(thread)} on {@code threads} threads started together, and waits for them all. */
    private static void runThreads(int threads, java.util.function.IntConsumer body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    body.accept(thread);
                });
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Submits, and at the in-flight limit tries the same event again shortly, so the thread's order stands. */
    private static CompletableFuture<Receipt> submitInOrder(LedgerClient client, MutationEvent event) {
        while (true) {
            CompletableFuture<Receipt> future = client.submitAsync(event);
            if (!future.isCompletedExceptionally()
                    || !(future.handle((r, t) -> t).join() instanceof LedgerBackpressureException)) {
                return future;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    private static MutationEvent event(String run, String key, int sequence) {
        return Mutations.transfer(run + "/" + key + "/" + sequence, key, "payee", 1_000, 10, "fees", 5, "taxes",
                "EUR");
    }

    /** Per key of one run, the sequence numbers in the topic's order, each id's first copy only. */
    private static Map<String, List<Integer>> perKeyOrder(String topic, String run) {
        Map<String, List<Integer>> order = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (MutationEvent e : TopicRecords.mutations(kafka.bootstrapServers(), topic)) {
            String[] parts = e.getEventId().split("/");
            if (parts.length == 3 && parts[0].equals(run) && seen.add(e.getEventId())) {
                order.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(Integer.parseInt(parts[2]));
            }
        }
        return order;
    }

    /** Each key's sequence is 0, 1, 2, ... in order ({@code perKey} long unless negative). */
    private static void assertInSubmitOrder(Map<String, List<Integer>> order, int perKey) {
        for (Map.Entry<String, List<Integer>> entry : order.entrySet()) {
            List<Integer> sequence = entry.getValue();
            int n = perKey >= 0 ? perKey : sequence.size();
            List<Integer> expected = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                expected.add(i);
            }
            assertThat(sequence).as("sequence of key %s in Kafka", entry.getKey()).containsExactlyElementsOf(expected);
        }
    }
}
