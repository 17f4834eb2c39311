package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.ChildJvm;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 4: clients that die with events in flight. Raw clients send a full in-flight window and vanish with an
 * RST, and a real SDK client in a child JVM is killed with SIGKILL mid-load. The server does not expose a
 * connection gauge, so release is proven through what it does enforce: with a connection limit of
 * {@value #MAX_CONNECTIONS}, after dozens of crashed clients every free slot can be taken again and a new
 * connection can use the whole per-connection window; a neighbour SDK client is unaffected throughout.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClientCrashFaultTest {

    private static final String TOPIC = "faults.client-crash";
    private static final int MAX_CONNECTIONS = 6;
    private static final int WINDOW_EVENTS = 500;
    private static final int EVENTS_PER_SUBMIT = 100;
    private static final int CRASHED_RAW_CLIENTS = 32;

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
                .maxConnections(MAX_CONNECTIONS)
                .maxInFlightEventsPerConnection(WINDOW_EVENTS)
                .build());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void crashedClientsReleaseTheirSlotsAndNeighboursAreUnaffected() throws Exception {
        int port = server.port();
        try (LedgerClient neighbour = LedgerClient.builder()
                .endpoints("127.0.0.1:" + port)
                .clientName("neighbour")
                .requestTimeout(Duration.ofSeconds(30))
                .build()) {
            LoadRunner load = LoadRunner.start(neighbour, "neighbour", 2, 300, 300);
            assertThat(load.awaitAccepted(100, Duration.ofSeconds(20))).as("neighbour warmed up").isTrue();
            load.faultStarted();

            try (ChildJvm doomed = ChildJvm.start("sdk-client-doomed", List.of("-Xmx256m"),
                    ChildLoadMain.class.getName(), List.of(String.valueOf(port)))) {
                doomed.awaitLine(Pattern.compile("ACCEPTED [1-9]\\d{2,}"), Duration.ofSeconds(60));
                doomed.kill();
            }
            for (int batch = 0; batch < CRASHED_RAW_CLIENTS / 4; batch++) {
                List<RawFrameClient> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < 4; i++) {
                        RawFrameClient c = connectWithRetry(port, "crasher-" + batch + "-" + i);
                        sendFullWindow(c, "crashed-" + batch + "-" + i);
                        clients.add(c);
                    }
                } finally {
                    clients.forEach(RawFrameClient::abort);
                }
            }
            load.faultEnded();

            List<String> windowIds = everyFreeSlotIsUsableAndTakesAFullWindow(port);
            assertThat(load.awaitAccepted(load.accepted() + 100, Duration.ofSeconds(20)))
                    .as("neighbour still accepted").isTrue();

            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(40));
            List<String> accepted = new ArrayList<>(result.acceptedIds());
            accepted.addAll(windowIds);
            TopicVerifier.Verification v = TopicVerifier.verify(kafka.bootstrapServers(), TOPIC, accepted,
                    Duration.ofSeconds(60));
            FaultReport.record(new FaultReport.Row("4 client crash (SIGKILL + " + CRASHED_RAW_CLIENTS + " RST)",
                    result.sent(), result.accepted(), result.failed(), v.lost(), v.duplicates(),
                    result.worstFaultLatencyMs(), "neighbour figures; every free slot of " + MAX_CONNECTIONS
                            + " reusable; new connection took a full window of " + WINDOW_EVENTS
                            + "; failures " + result.failuresByType()));

            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("neighbour failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
        }
    }

    /** Hello, then a whole window of Submits without reading one Ack. */
    private static void sendFullWindow(RawFrameClient client, String idPrefix) {
        for (int s = 0; s < WINDOW_EVENTS / EVENTS_PER_SUBMIT; s++) {
            client.send(RawFrameClient.submitFrame(s + 1, TestEvents.transfers(idPrefix + "-" + s,
                    EVENTS_PER_SUBMIT)));
        }
    }

    /**
     * Takes every slot the neighbour leaves free (the server may need a moment to see the crashed sockets
     * close), proves the limit still holds one past that, and pushes a full window through one of them.
     */
    private static List<String> everyFreeSlotIsUsableAndTakesAFullWindow(int port) {
        List<RawFrameClient> slots = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS - 1; i++) {
                slots.add(connectWithRetry(port, "slot-" + i));
            }
            try (RawFrameClient excess = RawFrameClient.connect(port)) {
                excess.trySendRaw(RawFrameClient.framed(RawFrameClient.helloFrame("excess")));
                assertThat(excess.awaitError(Duration.ofSeconds(5)))
                        .isEqualTo(ErrorCode.ERROR_CODE_TOO_MANY_CONNECTIONS);
            }
            RawFrameClient user = slots.get(0);
            List<String> ids = new ArrayList<>();
            for (int s = 0; s < WINDOW_EVENTS / EVENTS_PER_SUBMIT; s++) {
                List<MutationEvent> events = TestEvents.transfers("window-" + s, EVENTS_PER_SUBMIT);
                events.forEach(e -> ids.add(e.getEventId()));
                user.send(RawFrameClient.submitFrame(s + 1, events));
            }
            int results = 0;
            while (results < WINDOW_EVENTS) {
                ServerFrame frame = user.read(Duration.ofSeconds(20));
                assertThat(frame).as("Ack for the full window").isNotNull();
                for (EventResult r : frame.getAck().getResultsList()) {
                    assertThat(r.getStatus()).as(r.getReason()).isEqualTo(Status.STATUS_ACCEPTED);
                    results++;
                }
            }
            return ids;
        } finally {
            slots.forEach(RawFrameClient::close);
        }
    }

    private static RawFrameClient connectWithRetry(int port, String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return RawFrameClient.connectAndHello(port, name);
            } catch (RuntimeException refused) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no free connection slot within 10 s: crashed clients not released",
                            refused);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
