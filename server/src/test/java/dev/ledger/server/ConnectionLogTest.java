package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.ErrorCode;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** One line per connection opened and one per connection closed, with who, how long, how much and how it ended. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConnectionLogTest {

    private static EmbeddedKafka kafka;
    private static LedgerServer server;
    private static final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private static Logger connections;
    private static Level levelBefore;

    @BeforeAll
    static void start() {
        connections = (Logger) LoggerFactory.getLogger(ConnectionLog.LOGGER);
        levelBefore = connections.getLevel();
        connections.setLevel(Level.INFO);
        lines.start();
        connections.addAppender(lines);
        kafka = EmbeddedKafka.startSingleNode();
        server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true).bindAddress("127.0.0.1").port(0).topic("ledger.connlog")
                .idleTimeoutMs(1500).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        connections.detachAppender(lines);
        connections.setLevel(levelBefore);
    }

    @Test
    void closedLineCarriesPeerClientDurationEventsAndPeerClosed() {
        int localPort;
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "log-test-client")) {
            localPort = c.socket().getLocalPort();
            c.submitAndAwait(1, TestEvents.transfers("cl-a", 3));
            c.submitAndAwait(2, TestEvents.transfers("cl-b", 2));
        }
        String peer = "127.0.0.1:" + localPort;
        Map<String, Object> opened = await(f -> "opened".equals(f.get("event")) && peer.equals(f.get("peer")));
        assertThat(opened).containsEntry("peer", peer);
        Map<String, Object> closed = await(f -> "closed".equals(f.get("event")) && peer.equals(f.get("peer")));
        assertThat(closed).containsEntry("client", "log-test-client").containsEntry("events", 5L)
                .containsEntry("end", "peer_closed").containsKey("duration_ms");
        assertThat((Long) closed.get("duration_ms")).isGreaterThanOrEqualTo(0);
        assertThat(message(peer, "closed")).contains("peer=" + peer, "client=\"log-test-client\"", "events=5",
                "end=peer_closed", "duration_ms=");
    }

    @Test
    void errorSentNamesTheCode() {
        int localPort;
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            localPort = c.socket().getLocalPort();
            c.ping(7); // before Hello
            assertThat(c.awaitError(Duration.ofSeconds(10))).isEqualTo(ErrorCode.ERROR_CODE_HELLO_REQUIRED);
        }
        String peer = "127.0.0.1:" + localPort;
        Map<String, Object> closed = await(f -> "closed".equals(f.get("event")) && peer.equals(f.get("peer")));
        assertThat(closed).containsEntry("end", "error_sent").containsEntry("code", "HELLO_REQUIRED")
                .containsEntry("events", 0L).containsEntry("client", "");
        assertThat(message(peer, "closed")).contains("end=error_sent code=HELLO_REQUIRED", "detail=\"");
    }

    @Test
    void aTlsClientOnThePlaintextPortEndsTlsFailed() {
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            String peer = "127.0.0.1:" + c.socket().getLocalPort();
            c.sendRaw(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05}); // the start of a TLS handshake record
            Map<String, Object> closed = await(f -> "closed".equals(f.get("event")) && peer.equals(f.get("peer")));
            assertThat(closed).containsEntry("end", "tls_failed");
        }
    }

    @Test
    void idleConnectionEndsWithIdleTimeout() {
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "sleepy")) {
            String peer = "127.0.0.1:" + c.socket().getLocalPort();
            Map<String, Object> closed = await(f -> "closed".equals(f.get("event")) && peer.equals(f.get("peer")));
            assertThat(closed).containsEntry("end", "idle_timeout").containsEntry("client", "sleepy");
        }
    }

    @Test
    void connectionOpenAtShutdownEndsDrained() {
        LedgerServer other = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true).bindAddress("127.0.0.1").port(0).topic("ledger.connlog").build());
        try (RawFrameClient c = RawFrameClient.connectAndHello(other.port(), "until-the-end")) {
            String peer = "127.0.0.1:" + c.socket().getLocalPort();
            other.shutdownGracefully(Duration.ofSeconds(5));
            Map<String, Object> closed = await(f -> "closed".equals(f.get("event")) && peer.equals(f.get("peer")));
            assertThat(closed).containsEntry("end", "drained").containsEntry("client", "until-the-end");
        } finally {
            other.close();
        }
    }

    /** The appender adds under its own lock (event loops); copy under it too. */
    private static List<ILoggingEvent> snapshot() {
        synchronized (lines) {
            return List.copyOf(lines.list);
        }
    }

    private static Map<String, Object> fields(ILoggingEvent e) {
        Map<String, Object> m = new HashMap<>();
        if (e.getKeyValuePairs() != null) {
            e.getKeyValuePairs().forEach(kv -> m.put(kv.key, kv.value));
        }
        return m;
    }

    private static Map<String, Object> await(Predicate<Map<String, Object>> wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (ILoggingEvent e : snapshot()) {
                Map<String, Object> f = fields(e);
                if (wanted.test(f)) {
                    return f;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no such connection line within 15 s; lines: " + snapshot());
    }

    private static String message(String peer, String event) {
        return snapshot().stream().filter(e -> event.equals(fields(e).get("event"))
                && peer.equals(fields(e).get("peer"))).findFirst().orElseThrow().getFormattedMessage();
    }
}
