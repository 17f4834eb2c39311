package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.client.LedgerTimeoutException;
import dev.ledger.client.Receipt;
import dev.ledger.proto.MutationEvent;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 1: on a 3-broker cluster (one dedicated controller, see {@link EmbeddedKafka}) (topic with 3 partitions, RF 3, {@code min.insync.replicas=2}) the broker
 * leading partition 0 is stopped under load and later restarted. Two in-sync replicas remain, so the load must go
 * on (leaders move), the SDK must see no failure, and every ACCEPTED id must be in Kafka afterwards.
 *
 * <p>Scenario 2, on the same cluster afterwards: every broker down for at least {@value #OUTAGE_SECONDS} s under
 * load, then back. While Kafka is gone the server answers a raw Submit with UNAVAILABLE within seconds, its event
 * loops keep answering Pings within 1 s, and the SDK keeps retrying within its backoff (a {@link CountingProxy}
 * in front of the server counts the copies of each event that reach it during the outage and checks them against
 * the SDK's documented bound); once the brokers are back the load completes
 * and every ACCEPTED id is in Kafka. A second SDK client, through its own proxy, submits events during the outage
 * with a {@value #SHORT_TIMEOUT_SECONDS} s request timeout: they reach their deadline while the proxy counts and
 * fail with {@link LedgerTimeoutException} (expected, counted apart from the load), and the copies of each stay
 * within the bound for that timeout (a resend loop at the deadline would send dozens). The copies of them that
 * land in Kafka after recovery are reported. Each scenario has its own topic and server.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicatedClusterFaultTest {

    private static final String TOPIC = "faults.replicated";
    private static final String OUTAGE_TOPIC = "faults.kafka-outage";
    private static final int OUTAGE_SECONDS = 10;
    private static final long ACK_TIMEOUT_MS = 2_000;
    private static final int DOWN_SECONDS = 5;
    private static final Duration OUTAGE_INITIAL_BACKOFF = Duration.ofMillis(100);
    private static final Duration OUTAGE_MAX_BACKOFF = Duration.ofSeconds(1);
    private static final int SHORT_TIMEOUT_SECONDS = 3;
    /** Short-deadline events per ping round (about 5 rounds a second) while they can still expire in the window. */
    private static final int SHORT_EVENTS_PER_ROUND = 3;

    private static EmbeddedKafka cluster;
    private static LedgerServer server;
    private static LedgerServer outageServer;

    @BeforeAll
    static void startClusterAndServer() {
        cluster = EmbeddedKafka.start(3, null, Map.of("min.insync.replicas", "2"));
        cluster.createTopic(TOPIC, 3, 3, Map.of("min.insync.replicas", "2"));
        server = LedgerServer.start(ServerConfig.builder()
                .bootstrapServers(cluster.bootstrapServers())
                .bindAddress("127.0.0.1")
                .port(0)
                .topic(TOPIC)
                .topicPartitions(3)
                .build());
        cluster.createTopic(OUTAGE_TOPIC, 3, 3, Map.of("min.insync.replicas", "2"));
        outageServer = LedgerServer.start(ServerConfig.builder()
                .bootstrapServers(cluster.bootstrapServers())
                .bindAddress("127.0.0.1")
                .port(0)
                .topic(OUTAGE_TOPIC)
                .topicPartitions(3)
                .ackTimeoutMs(ACK_TIMEOUT_MS)
                .build());
    }

    @AfterAll
    static void stopClusterAndServer() {
        if (server != null) {
            server.close();
        }
        if (outageServer != null) {
            outageServer.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void oneOfThreeBrokersStoppedUnderLoadThenRestartedLosesNoAcceptedEvent() throws Exception {
        try (LedgerClient client = LedgerClient.builder()
                .endpoints("127.0.0.1:" + server.port())
                .clientName("replicated-load")
                .requestTimeout(Duration.ofSeconds(60))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .build()) {
            LoadRunner load = LoadRunner.start(client, "replicated", 2, 400, 600);
            assertThat(load.awaitAccepted(400, Duration.ofSeconds(30))).as("load warmed up").isTrue();

            int victim = leaderOfPartitionZero();
            load.faultStarted();
            cluster.stopBroker(victim);
            long acceptedAtStop = load.accepted();
            Thread.sleep(TimeUnit.SECONDS.toMillis(DOWN_SECONDS));
            long acceptedWhileDown = load.accepted() - acceptedAtStop;
            cluster.startBroker(victim);
            assertThat(load.awaitAccepted(load.accepted() + 400, Duration.ofSeconds(60)))
                    .as("load goes on after the restart").isTrue();
            load.faultEnded();

            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(90));
            TopicVerifier.Verification v = TopicVerifier.verify(cluster.bootstrapServers(), TOPIC,
                    result.acceptedIds(), Duration.ofSeconds(60));
            FaultReport.record(new FaultReport.Row("1 one of 3 brokers stopped " + DOWN_SECONDS + " s, restarted",
                    result.sent(), result.accepted(), result.failed(), v.lost(), v.duplicates(),
                    result.worstFaultLatencyMs(), "stopped broker " + victim + " (leader of p0); " + acceptedWhileDown
                            + " accepted while it was down; failures " + result.failuresByType()));

            assertThat(acceptedWhileDown).as("events accepted while one broker was down").isPositive();
            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
        }
    }

    private static int leaderOfPartitionZero() throws Exception {
        try (Admin admin = cluster.admin()) {
            TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(TOPIC);
            return d.partitions().get(0).leader().id();
        }
    }

    @Test
    @Order(2)
    void allBrokersDownServerAnswersUnavailableStaysResponsiveAndLoadCompletesAfterRecovery() throws Exception {
        int port = outageServer.port();
        boolean brokerDown = false;
        try (CountingProxy proxy = new CountingProxy(port);
                CountingProxy shortProxy = new CountingProxy(port);
                LedgerClient client = LedgerClient.builder()
                        .endpoints("127.0.0.1:" + proxy.port())
                        .clientName("outage-load")
                        .requestTimeout(Duration.ofSeconds(60))
                        .retryBackoff(OUTAGE_INITIAL_BACKOFF, OUTAGE_MAX_BACKOFF)
                        .build();
                LedgerClient shortClient = LedgerClient.builder()
                        .endpoints("127.0.0.1:" + shortProxy.port())
                        .clientName("outage-short-deadline")
                        .requestTimeout(Duration.ofSeconds(SHORT_TIMEOUT_SECONDS))
                        .retryBackoff(OUTAGE_INITIAL_BACKOFF, OUTAGE_MAX_BACKOFF)
                        .build();
                RawFrameClient submitter = RawFrameClient.connectAndHello(port, "outage-submitter");
                RawFrameClient pinger = RawFrameClient.connectAndHello(port, "outage-pinger")) {
            LoadRunner load = LoadRunner.start(client, "outage", 2, 300, 600);
            assertThat(load.awaitAccepted(300, Duration.ofSeconds(30))).as("load warmed up").isTrue();

            load.faultStarted();
            cluster.stopAllBrokers();
            brokerDown = true;
            long outageStart = System.nanoTime();
            proxy.startCounting();
            shortProxy.startCounting();
            ShortDeadlineEvents shortEvents = new ShortDeadlineEvents(shortClient);

            long submitStart = System.nanoTime();
            submitter.send(RawFrameClient.submitFrame(1, TestEvents.transfers("during-outage", 1)));
            ServerFrame ack = submitter.read(Duration.ofSeconds(15));
            long unavailableMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitStart);
            assertThat(ack).as("Ack during the outage").isNotNull();
            assertThat(ack.getAck().getResults(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
            assertThat(unavailableMs).as("UNAVAILABLE within a few seconds").isLessThan(ACK_TIMEOUT_MS + 3_000);

            long worstPongMs = 0;
            long nonce = 0;
            while (System.nanoTime() - outageStart < TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS)) {
                long pingStart = System.nanoTime();
                pinger.send(RawFrameClient.pingFrame(++nonce));
                ServerFrame pong = pinger.read(Duration.ofSeconds(1));
                assertThat(pong.getPong().getNonce()).isEqualTo(nonce);
                worstPongMs = Math.max(worstPongMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pingStart));
                // Only events whose deadline (plus a second for the coarse timer) falls inside the counted window.
                if (System.nanoTime() - outageStart
                        < TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS - SHORT_TIMEOUT_SECONDS - 1)) {
                    shortEvents.submit(SHORT_EVENTS_PER_ROUND);
                }
                sleepMillis(200);
            }
            long acceptedBeforeRecovery = load.accepted();
            CountingProxy.Counts outage = proxy.stopCounting();
            CountingProxy.Counts shortOutage = shortProxy.stopCounting();
            ShortDeadlineEvents.Outcomes shortOutcomes = shortEvents.await(Duration.ofSeconds(10));
            long countedNanos = System.nanoTime() - outageStart;
            cluster.startAllBrokers();
            brokerDown = false;
            long outageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStart);
            assertThat(load.awaitAccepted(acceptedBeforeRecovery + 600, Duration.ofSeconds(60)))
                    .as("load completes after recovery").isTrue();
            load.faultEnded();

            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(90));
            TopicVerifier.TopicContents contents = TopicVerifier.readAll(cluster.bootstrapServers(), OUTAGE_TOPIC,
                    Duration.ofSeconds(60));
            TopicVerifier.Verification v = TopicVerifier.compare(contents, result.acceptedIds());
            IntSummaryStatistics shortInKafka = shortEvents.ids().stream()
                    .mapToInt(id -> contents.countsById().getOrDefault(id, 0)).summaryStatistics();
            long shortDuplicated = shortEvents.ids().stream()
                    .filter(id -> contents.countsById().getOrDefault(id, 0) > 1).count();
            int shortBound = sendsBound(TimeUnit.SECONDS.toNanos(SHORT_TIMEOUT_SECONDS));
            System.out.printf("SHORT-DEADLINE requestTimeout=%d s: events=%d timedOut=%d other=%s unanswered=%d;"
                    + " copies at the server per event mean=%.2f max=%d (bound %d), Submits=%d; in Kafka after"
                    + " recovery: records=%d, events with more than one record=%d, most records of one=%d%n",
                    SHORT_TIMEOUT_SECONDS, shortEvents.ids().size(), shortOutcomes.timedOut(),
                    shortOutcomes.otherFailures(), shortOutcomes.unanswered(), shortOutage.meanSendsPerEvent(),
                    shortOutage.maxSendsPerEvent(), shortBound, shortOutage.submitFrames(), shortInKafka.getSum(),
                    shortDuplicated, shortInKafka.getMax());
            FaultReport.record(new FaultReport.Row("2 all 3 brokers down " + outageMs / 1000 + " s", result.sent(),
                    result.accepted(), result.failed(), v.lost(), v.duplicates(), result.worstFaultLatencyMs(),
                    "raw Submit answered UNAVAILABLE in " + unavailableMs + " ms; worst Pong " + worstPongMs
                            + " ms (" + nonce + " pings); during the outage the server received "
                            + outage.submitFrames() + " Submits carrying " + outage.sendsPerEvent().size()
                            + " events, each " + String.format("%.2f", outage.meanSendsPerEvent())
                            + " times on average and at most " + outage.maxSendsPerEvent() + " (bound "
                            + sendsBound(countedNanos) + " for the " + TimeUnit.NANOSECONDS.toMillis(countedNanos)
                            + " ms counted)" + "; failures " + result.failuresByType()
                            + "; short-deadline client (" + SHORT_TIMEOUT_SECONDS + " s): "
                            + shortEvents.ids().size() + " events, " + shortOutcomes.timedOut()
                            + " timed out, each received " + String.format("%.2f", shortOutage.meanSendsPerEvent())
                            + " times on average and at most " + shortOutage.maxSendsPerEvent() + " (bound "
                            + shortBound + "), " + shortInKafka.getSum() + " records in Kafka, "
                            + shortDuplicated + " of its events more than once"));

            assertThat(worstPongMs).as("event loop answers Pings within 1 s during the outage").isLessThan(1_000);
            assertThat(outage.sendsPerEvent()).as("events resent during the outage").isNotEmpty();
            assertThat(outage.maxSendsPerEvent()).as("most copies of one event the server received in the "
                    + TimeUnit.NANOSECONDS.toMillis(countedNanos) + " ms outage")
                    .isLessThanOrEqualTo(sendsBound(countedNanos));
            assertThat(shortOutage.sendsPerEvent().keySet()).as("short-deadline events the server received")
                    .containsAll(shortEvents.ids()).isNotEmpty();
            assertThat(shortOutage.maxSendsPerEvent()).as("most copies of one event with a "
                    + SHORT_TIMEOUT_SECONDS + " s request timeout").isLessThanOrEqualTo(shortBound);
            assertThat(shortOutcomes.unanswered()).as("unanswered short-deadline futures").isZero();
            assertThat(shortOutcomes.otherFailures()).as("short-deadline outcomes other than a timeout").isEmpty();
            assertThat(shortOutcomes.timedOut()).as("short-deadline events timed out")
                    .isEqualTo(shortEvents.ids().size());
            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
        } finally {
            if (brokerDown) {
                cluster.startAllBrokers(); // leave the cluster usable for the other scenario
            }
        }
    }

    /**
     * The SDK's documented bound on sends of one event within {@code windowNanos} (docs/CLIENT.md): its backoff
     * at its shortest, log2(max / initial) + 2 * window / max + 2.
     */
    private static int sendsBound(long windowNanos) {
        double initial = OUTAGE_INITIAL_BACKOFF.toNanos();
        double max = OUTAGE_MAX_BACKOFF.toNanos();
        return (int) (Math.log(max / initial) / Math.log(2) + 2 * windowNanos / max + 2);
    }

    /**
     * Events submitted during the outage by the client with the short request timeout; each is expected to fail
     * with {@link LedgerTimeoutException}. Used by the test thread only.
     */
    private static final class ShortDeadlineEvents {

        /** How the futures ended: timeouts, other failures by type (and ACCEPTED), and those still open. */
        record Outcomes(int timedOut, Map<String, Integer> otherFailures, int unanswered) {
        }

        private final LedgerClient client;
        private final List<String> ids = new ArrayList<>();
        private final List<CompletableFuture<Receipt>> futures = new ArrayList<>();

        ShortDeadlineEvents(LedgerClient client) {
            this.client = client;
        }

        void submit(int count) {
            for (MutationEvent event : TestEvents.transfers("short", count)) {
                ids.add(event.getEventId());
                futures.add(client.submitAsync(event));
            }
        }

        List<String> ids() {
            return ids;
        }

        Outcomes await(Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            int timedOut = 0;
            int unanswered = 0;
            Map<String, Integer> other = new java.util.TreeMap<>();
            for (CompletableFuture<Receipt> f : futures) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    other.merge("ACCEPTED", 1, Integer::sum);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : e.getCause();
                    if (cause instanceof LedgerTimeoutException) {
                        timedOut++;
                    } else {
                        other.merge(cause.getClass().getSimpleName(), 1, Integer::sum);
                    }
                } catch (TimeoutException e) {
                    unanswered++;
                }
            }
            return new Outcomes(timedOut, other, unanswered);
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
