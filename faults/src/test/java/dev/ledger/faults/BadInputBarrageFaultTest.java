package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.Hello;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 6: a barrage of bad input against one server while a well-behaved SDK neighbour keeps submitting.
 * Every kind of bad connection must get its documented Error (or be closed), the stalled ones by the handshake
 * and idle timeouts (set short here), the connection limit must reject the excess with an Error, and through all
 * of it the neighbour's events are ACCEPTED and land in Kafka.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadInputBarrageFaultTest {

    private static final String TOPIC = "faults.bad-input";
    private static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final int MAX_EVENTS_PER_SUBMIT = 100;
    private static final int MAX_CONNECTIONS = 12;
    private static final long HANDSHAKE_TIMEOUT_MS = 500;
    private static final long IDLE_TIMEOUT_MS = 1_500;
    private static final Duration ANSWER = Duration.ofSeconds(5);

    private static EmbeddedKafka kafka;
    private static LedgerServer server;

    @BeforeAll
    static void startServer() {
        kafka = SharedKafka.singleNode();
        kafka.createTopic(TOPIC, 3, 1, Map.of());
        server = LedgerServer.start(ServerConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true)
                .bindAddress("127.0.0.1")
                .port(0)
                .topic(TOPIC)
                .topicPartitions(3)
                .maxFrameBytes(MAX_FRAME_BYTES)
                .maxEventsPerSubmit(MAX_EVENTS_PER_SUBMIT)
                .handshakeTimeoutMs(HANDSHAKE_TIMEOUT_MS)
                .idleTimeoutMs(IDLE_TIMEOUT_MS)
                .maxConnections(MAX_CONNECTIONS)
                .build());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void barrageOfBadConnectionsIsAnsweredAndClosedWhileTheNeighbourKeepsGettingAccepted() throws Exception {
        int port = server.port();
        AtomicInteger badConnections = new AtomicInteger();
        try (LedgerClient neighbour = LedgerClient.builder()
                .endpoints("127.0.0.1:" + port)
                .clientName("neighbour")
                .requestTimeout(Duration.ofSeconds(30))
                .build()) {
            LoadRunner load = LoadRunner.start(neighbour, "neighbour", 2, 200, 200);
            assertThat(load.awaitAccepted(50, Duration.ofSeconds(20))).as("neighbour warmed up").isTrue();
            load.faultStarted();

            ExecutorService attackers = Executors.newFixedThreadPool(3);
            try {
                List<Future<?>> rounds = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    rounds.add(attackers.submit(() -> oneRoundOfBadInput(port, badConnections)));
                }
                for (Future<?> round : rounds) {
                    round.get(60, TimeUnit.SECONDS); // rethrows a failed expectation
                }
            } finally {
                attackers.shutdownNow();
            }
            connectionLimitRejectsTheExcessWithAnError(port, badConnections);
            load.faultEnded();

            String rawId = "raw-after-barrage-" + System.nanoTime();
            try (RawFrameClient raw = RawFrameClient.connectAndHello(port, "after-barrage")) {
                raw.send(RawFrameClient.submitFrame(1, List.of(TestEvents.transfer(rawId))));
                ServerFrame ack = raw.read(Duration.ofSeconds(15));
                assertThat(ack.getAck().getResults(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
            }
            assertThat(load.awaitAccepted(load.accepted() + 50, Duration.ofSeconds(20)))
                    .as("neighbour still accepted after the barrage").isTrue();

            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(40));
            List<String> accepted = new ArrayList<>(result.acceptedIds());
            accepted.add(rawId);
            TopicVerifier.Verification v = TopicVerifier.verify(kafka.bootstrapServers(), TOPIC, accepted,
                    Duration.ofSeconds(60));
            FaultReport.record(new FaultReport.Row("6 bad-input barrage", result.sent(), result.accepted(),
                    result.failed(), v.lost(), v.duplicates(), result.worstFaultLatencyMs(),
                    badConnections.get() + " bad connections answered/closed; limit " + MAX_CONNECTIONS
                            + " enforced; failures " + result.failuresByType()));

            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("neighbour failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
        }
    }

    /** One of each bad connection, each checked for its documented answer. */
    private static void oneRoundOfBadInput(int port, AtomicInteger count) {
        byte[] oversize = ByteBuffer.allocate(4).putInt(MAX_FRAME_BYTES + 1).array();
        expectError(port, null, oversize, ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, count);
        expectError(port, "x", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2},
                ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, count);
        expectError(port, null, new byte[4], ErrorCode.ERROR_CODE_EMPTY_FRAME, count);
        expectError(port, "x", new byte[] {0, 0, 0, 0}, ErrorCode.ERROR_CODE_EMPTY_FRAME, count);
        // valid length, payload that is not a ClientFrame: a length-delimited field claiming 127 missing bytes
        expectError(port, null, new byte[] {0, 0, 0, 3, 0x0a, 0x7f, 0x01}, ErrorCode.ERROR_CODE_MALFORMED_FRAME,
                count);
        // parses, but no kind set (only an unknown field 15)
        expectError(port, "x", new byte[] {0, 0, 0, 2, 0x78, 0x01}, ErrorCode.ERROR_CODE_MALFORMED_FRAME, count);
        expectError(port, null, RawFrameClient.framed(RawFrameClient.pingFrame(1)),
                ErrorCode.ERROR_CODE_HELLO_REQUIRED, count);
        expectError(port, null, RawFrameClient.framed(RawFrameClient.submitFrame(1,
                TestEvents.transfers("before-hello", 1))), ErrorCode.ERROR_CODE_HELLO_REQUIRED, count);
        expectError(port, null, RawFrameClient.framed(ClientFrame.newBuilder()
                        .setHello(Hello.newBuilder().setProtocolVersion(2).setClientName("future")).build()),
                ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION, count);
        expectError(port, "x", RawFrameClient.framed(RawFrameClient.helloFrame("twice")),
                ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, count);
        expectError(port, "x", RawFrameClient.framed(RawFrameClient.submitFrame(7, List.of())),
                ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, count);
        expectError(port, "x", RawFrameClient.framed(RawFrameClient.submitFrame(8,
                TestEvents.transfers("too-many", MAX_EVENTS_PER_SUBMIT + 1))),
                ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, count);
        // stalls: never a Hello, half a frame before Hello, half a frame after Hello
        expectError(port, null, new byte[0], ErrorCode.ERROR_CODE_HANDSHAKE_TIMEOUT, count);
        expectError(port, null, new byte[] {0, 0, 0, 40, 0x0a, 0x05}, ErrorCode.ERROR_CODE_HANDSHAKE_TIMEOUT,
                count);
        expectError(port, "x", new byte[] {0, 0, 0, 40, 0x12, 0x05}, ErrorCode.ERROR_CODE_IDLE_TIMEOUT, count);
        randomBytesAreAnsweredOrClosed(port, count);
        truncatedFrameThenVanish(port, count);
    }

    /**
     * Connects, optionally says Hello (and reads the Welcome), sends {@code bytes}, and expects exactly the Error
     * {@code code} followed by the server closing the connection.
     */
    private static void expectError(int port, String helloName, byte[] bytes, ErrorCode code, AtomicInteger count) {
        count.incrementAndGet();
        try (RawFrameClient client = helloName == null
                ? RawFrameClient.connect(port) : RawFrameClient.connectAndHello(port, helloName)) {
            if (bytes.length > 0) {
                client.sendRaw(bytes);
            }
            assertThat(client.awaitError(ANSWER)).as("answer to %s", code).isEqualTo(code);
            assertThat(client.awaitClosed(ANSWER)).as("closed after %s", code).isTrue();
        }
    }

    private static void randomBytesAreAnsweredOrClosed(int port, AtomicInteger count) {
        byte[] garbage = new byte[1 + ThreadLocalRandom.current().nextInt(600)];
        ThreadLocalRandom.current().nextBytes(garbage);
        count.incrementAndGet();
        try (RawFrameClient client = RawFrameClient.connect(port)) {
            client.trySendRaw(garbage);
            // some garbage reads as a short length and waits for more: the handshake timeout ends it
            assertThat(client.awaitClosed(Duration.ofMillis(HANDSHAKE_TIMEOUT_MS).plus(ANSWER)))
                    .as("closed after %d random bytes", garbage.length).isTrue();
        }
    }

    private static void truncatedFrameThenVanish(int port, AtomicInteger count) {
        count.incrementAndGet();
        RawFrameClient client = RawFrameClient.connectAndHello(port, "vanisher");
        byte[] frame = RawFrameClient.framed(RawFrameClient.submitFrame(9, TestEvents.transfers("truncated", 5)));
        client.sendRaw(java.util.Arrays.copyOf(frame, frame.length / 2));
        client.abort();
    }

    private static void connectionLimitRejectsTheExcessWithAnError(int port, AtomicInteger count) {
        List<RawFrameClient> held = new ArrayList<>();
        int welcomed = 0;
        int rejected = 0;
        try {
            for (int i = 0; i < MAX_CONNECTIONS + 3; i++) {
                count.incrementAndGet();
                RawFrameClient client = RawFrameClient.connect(port);
                held.add(client);
                ServerFrame first = client.trySendRaw(RawFrameClient.framed(RawFrameClient.helloFrame("hog-" + i)))
                        ? client.read(ANSWER) : null;
                if (first != null && first.hasWelcome()) {
                    welcomed++;
                } else {
                    assertThat(first).as("answer past the connection limit").isNotNull();
                    assertThat(first.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_TOO_MANY_CONNECTIONS);
                    assertThat(client.awaitClosed(ANSWER)).isTrue();
                    rejected++;
                }
            }
        } finally {
            held.forEach(RawFrameClient::close);
        }
        // the neighbour holds one connection; a bad connection may still be on its way out
        assertThat(welcomed).as("connections welcomed").isBetween(MAX_CONNECTIONS - 4, MAX_CONNECTIONS - 1);
        assertThat(rejected).as("connections rejected").isGreaterThanOrEqualTo(3);
    }
}
