package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timeouts, limits, authentication and clean-up of dead clients, each on a server with small limits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionHygieneTest {

    private static EmbeddedKafka kafka;
    private static LedgerServer server;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSingleNode();
        server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic("ledger.hygiene").handshakeTimeoutMs(300).idleTimeoutMs(600)
                .maxConnections(4).maxEventsPerSubmit(50).maxInFlightEventsPerConnection(20)
                .authTokens(List.of("secret-1", "secret-2")).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static RawFrameClient authenticated(String name) throws Exception {
        RawFrameClient c = RawFrameClient.connect(server.port());
        assertThat(c.hello(name, "secret-2").hasWelcome()).isTrue();
        return c;
    }

    @Test
    void silentConnectionIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            ServerFrame f = c.read();
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_HANDSHAKE_TIMEOUT);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionWithoutTrafficIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawFrameClient c = authenticated("idle")) {
            ServerFrame f = c.read();
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_IDLE_TIMEOUT);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionDrippingAFrameIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawFrameClient c = authenticated("drip")) {
            // Announce a 200-byte frame, then send one byte every 100 ms: bytes arrive, but no frame ever completes.
            c.sendRaw(new byte[] {0, 0, 0, (byte) 200});
            ServerFrame f = null;
            for (int i = 0; i < 40 && f == null; i++) {
                c.sendRaw(new byte[] {1});
                f = c.readWithin(Duration.ofMillis(100));
            }
            assertThat(f).isNotNull();
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_IDLE_TIMEOUT);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void largeFrameBeforeHelloIsRefusedButAllowedAfterIt() throws Exception {
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            c.sendRaw(new byte[] {0, 0, 0x40, 0x01}); // 16,385 bytes announced, no Hello yet
            ServerFrame f = c.read();
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
            assertThat(f.getError().getMessage())
                    .isEqualTo("frame length 16385 exceeds the limit of 16384 bytes before Hello");
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawFrameClient c = authenticated("big-after-hello")) {
            c.ping(1); // a 20 KB frame after Hello is within the 1 MiB limit: the payload is garbage, so MALFORMED
            assertThat(c.read().hasPong()).isTrue();
            byte[] garbage = new byte[20_000];
            java.util.Arrays.fill(garbage, (byte) 0xff);
            c.sendFramed(garbage);
            assertThat(c.read().getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_MALFORMED_FRAME);
        }
    }

    @Test
    void overlongClientNameIsRefused() throws Exception {
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            ServerFrame f = c.hello("n".repeat(257), "secret-1");
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION);
            assertThat(f.getError().getMessage()).isEqualTo("client_name must be at most 256 bytes UTF-8: 257");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void helloWithoutAValidTokenIsRefused() throws Exception {
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            assertThat(c.hello("intruder", "guess").getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            assertThat(c.hello("anonymous", "").getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedWhileAdmittedOnesKeepWorking() throws Exception {
        List<RawFrameClient> admitted = new ArrayList<>();
        try {
            // Other tests may hold connections briefly; fill up to the limit and expect a refusal past it.
            ServerFrame refused = null;
            for (int i = 0; i < 6 && refused == null; i++) {
                RawFrameClient c = RawFrameClient.connect(server.port());
                // A refused connection gets its Error right away, before any Hello.
                ServerFrame f = c.readWithin(Duration.ofMillis(100)); // well below the 300 ms handshake timeout
                if (f == null) {
                    f = c.hello("many-" + i, "secret-1");
                }
                if (f.hasError()) {
                    refused = f;
                    c.close();
                } else {
                    admitted.add(c);
                }
            }
            assertThat(refused).isNotNull();
            assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_TOO_MANY_CONNECTIONS);
            admitted.get(0).ping(3);
            assertThat(admitted.get(0).read().getPong().getNonce()).isEqualTo(3);
        } finally {
            for (RawFrameClient c : admitted) {
                c.close();
            }
        }
    }

    @Test
    void submitWithMoreEventsThanTheLimitIsAProtocolViolation() throws Exception {
        try (RawFrameClient c = authenticated("too-many")) {
            List<MutationEvent> events = new ArrayList<>();
            for (int i = 0; i < 51; i++) {
                events.add(TestEvents.topUp("t" + i, 1));
            }
            c.submit(1, events);
            ServerFrame f = c.read();
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION);
            assertThat(f.getError().getMessage()).contains("51 events").contains("1..50");
        }
    }

    @Test
    void submitsBeyondTheInFlightLimitAreStillAllAnswered() throws Exception {
        try (RawFrameClient c = authenticated("backpressure")) {
            int submits = 40;
            for (long id = 0; id < submits; id++) {
                List<MutationEvent> events = new ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    events.add(TestEvents.transfer("bp" + i, "bq" + i, 9));
                }
                c.submit(id, events);
            }
            for (int i = 0; i < submits; i++) {
                Ack ack = c.read().getAck();
                assertThat(ack.getResultsList()).extracting(EventResult::getStatus).containsOnly(Status.STATUS_ACCEPTED);
            }
        }
    }

    @Test
    void killedClientReleasesItsInFlightAccountingAndBudget() throws Exception {
        try (RawFrameClient c = authenticated("killed")) {
            for (long id = 0; id < 20; id++) {
                c.submit(id, List.of(TestEvents.transfer("k1", "k2", 3), TestEvents.snapshot("k")));
            }
        }
        ServerContext context = server.context();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // The server has read everything once it has seen the close; then Kafka's callbacks drain the budget.
        while ((!context.channels().isEmpty() || context.inFlight().submits() > 0 || context.writer().budget().usedBytes() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(context.inFlight().submits()).isZero();
        assertThat(context.writer().budget().usedBytes()).isZero();
        try (RawFrameClient next = authenticated("after-kill")) {
            Ack ack = next.submitAndAwait(1, List.of(TestEvents.topUp("k3", 1)));
            assertThat(ack.getResults(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
        }
    }

    @Test
    void eventLargerThanTheKafkaByteBudgetIsOverloadedAndTheRestStillFlow() throws Exception {
        // buffer.memory 64 KiB -> a 48 KiB budget; reading pauses above 24 KiB in flight and resumes below 12 KiB.
        try (LedgerServer small = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic("ledger.budget").producerProperty("buffer.memory", "65536")
                .producerProperty("batch.size", "16384").build());
                RawFrameClient c = RawFrameClient.connectAndHello(small.port(), "budget")) {
            // Text fields are capped by validation, so the bulk rides in an unknown field (kept: the value is the
            // event's bytes exactly as sent).
            MutationEvent huge = padded(TestEvents.snapshot("huge"), 60_000);
            Ack refused = c.submitAndAwait(1, List.of(huge));
            assertThat(refused.getResults(0).getStatus()).isEqualTo(Status.STATUS_OVERLOADED);
            assertThat(refused.getResults(0).getReason()).contains("bytes in flight");

            int submits = 40;
            for (long id = 10; id < 10 + submits; id++) {
                c.submit(id, List.of(padded(TestEvents.createAccount("big-" + id), 4000)));
            }
            int answered = 0;
            while (answered < submits) {
                Ack ack = c.read().getAck();
                assertThat(ack.getResults(0).getStatus()).isIn(Status.STATUS_ACCEPTED, Status.STATUS_OVERLOADED);
                answered++;
            }
            assertThat(small.context().writer().budget().usedBytes()).isZero();
        }
    }

    @Test
    void clientThatNeverReadsItsAcksIsStoppedByTcpInsteadOfBufferedWithoutBound() throws Exception {
        List<MutationEvent> invalid = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            invalid.add(TestEvents.topUp("never-reads", -1)); // answered INVALID at once: Acks pile up fast
        }
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                new java.net.InetSocketAddress("127.0.0.1", server.port()))) {
            ch.write(java.nio.ByteBuffer.wrap(framed(dev.ledger.proto.ClientFrame.newBuilder().setHello(
                    dev.ledger.proto.Hello.newBuilder().setProtocolVersion(1).setAuthToken("secret-1")).build())));
            ch.configureBlocking(false);
            long written = 0;
            long id = 0;
            long lastProgress = System.nanoTime();
            java.nio.ByteBuffer pending = java.nio.ByteBuffer.allocate(0);
            boolean stalled = false;
            while (written < 256L * 1024 * 1024) {
                if (!pending.hasRemaining()) {
                    pending = java.nio.ByteBuffer.wrap(framed(dev.ledger.proto.ClientFrame.newBuilder().setSubmit(
                            dev.ledger.proto.Submit.newBuilder().setRequestId(id++).addAllEvents(invalid)).build()));
                }
                int n = ch.write(pending);
                if (n > 0) {
                    written += n;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(2)) {
                    stalled = true;
                    break;
                } else {
                    Thread.sleep(5);
                }
            }
            assertThat(stalled).as("writes stall after %d bytes", written).isTrue();
            assertThat(written).isLessThan(256L * 1024 * 1024);
            try (RawFrameClient neighbour = authenticated("neighbour-of-never-reads")) {
                neighbour.ping(8);
                assertThat(neighbour.read().getPong().getNonce()).isEqualTo(8);
            }
            // Its idle timeout fires while it reads nothing; the server closes it even though the Error is stuck.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!server.context().channels().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            boolean closed = server.context().channels().isEmpty();
            assertThat(closed).as("server closed the never-reading connection").isTrue();
        }
    }

    private static byte[] framed(dev.ledger.proto.ClientFrame frame) {
        byte[] payload = frame.toByteArray();
        return java.nio.ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    /** The event with an unknown field of {@code bytes} bytes appended. */
    private static MutationEvent padded(MutationEvent event, int bytes) {
        UnknownFieldSet.Field filler = UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFrom(new byte[bytes])).build();
        return event.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder().addField(99, filler).build()).build();
    }
}
