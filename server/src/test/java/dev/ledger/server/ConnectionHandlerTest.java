package dev.ledger.server;

import dev.ledger.testkit.support.TestEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.Hello;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.proto.Submit;
import dev.ledger.server.codec.FrameDecoder;
import dev.ledger.server.codec.ServerFrameEncoder;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.server.kafka.ByteBudget;
import dev.ledger.server.kafka.KafkaCircuit;
import dev.ledger.server.kafka.KafkaEventWriter;
import dev.ledger.server.kafka.ProducerSlot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's pipeline (encoder, decoder with the pre-Hello limit, connection handler) on an
 * {@link EmbeddedChannel}, writing to Kafka's {@link MockProducer}: the exact limits a client meets, and the read
 * gate doing its job inside the handler. The same over TCP with a real broker: {@code ConnectionHygieneTest}.
 */
class ConnectionHandlerTest {

    private static final String TOPIC = "t";
    private static final int MAX_EVENTS_PER_SUBMIT = 5;
    private static final int MAX_IN_FLIGHT = 8;

    private final ScheduledThreadPoolExecutor maintenance = new ScheduledThreadPoolExecutor(1);
    private MockProducer<byte[], byte[]> producer;
    private EmbeddedChannel channel;
    private ServerContext context;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        maintenance.shutdownNow();
    }

    /** A connection of a server whose producer acknowledges each record at once, or only when told to. */
    private EmbeddedChannel connect(boolean kafkaAcksAtOnce) {
        return connect(kafkaAcksAtOnce, ServerConfig.Defaults.ACK_TIMEOUT_MS);
    }

    private EmbeddedChannel connect(boolean kafkaAcksAtOnce, long ackTimeoutMs) {
        Node node = new Node(0, "localhost", 9092);
        Cluster cluster = new Cluster("c", List.of(node),
                List.of(new PartitionInfo(TOPIC, 0, node, new Node[] {node}, new Node[] {node})), Set.of(), Set.of());
        producer = new MockProducer<>(cluster, kafkaAcksAtOnce, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        ServerConfig config = ServerConfig.builder().bootstrapServers("127.0.0.1:9").topic(TOPIC)
                .maxEventsPerSubmit(MAX_EVENTS_PER_SUBMIT).maxInFlightEventsPerConnection(MAX_IN_FLIGHT)
                .idleTimeoutMs(0).ackTimeoutMs(ackTimeoutMs).serverId("s-1").build();
        ProducerSlot slot = new ProducerSlot(producer, () -> producer, TOPIC, maintenance, Duration.ofSeconds(1));
        var metrics = new dev.ledger.server.admin.ServerMetrics(
                new io.prometheus.metrics.model.registry.PrometheusRegistry(), false);
        KafkaEventWriter writer = new KafkaEventWriter(slot, TOPIC, List.of(0), "s-1", new ByteBudget(1 << 24),
                new KafkaCircuit(3, 1000, 1000), metrics::kafkaSendCompleted);
        context = new ServerContext(config, writer, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                dev.ledger.server.security.ServerSecurity.start(config), new dev.ledger.server.decisions.DecisionRouter(),
                metrics);
        channel = new EmbeddedChannel(new ServerFrameEncoder(),
                new FrameDecoder(config.maxFrameBytes(), ServerInitializer.PRE_HELLO_MAX_FRAME_BYTES),
                new ConnectionHandler(context));
        return channel;
    }

    private static ByteBuf framed(ClientFrame frame) {
        byte[] payload = frame.toByteArray();
        return Unpooled.buffer().writeInt(payload.length).writeBytes(payload);
    }

    private List<ServerFrame> written() throws Exception {
        List<ServerFrame> frames = new ArrayList<>();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            try {
                int length = buf.readInt();
                byte[] bytes = new byte[length];
                buf.readBytes(bytes);
                frames.add(ServerFrame.parseFrom(bytes));
            } finally {
                buf.release();
            }
        }
        return frames;
    }

    /** A Hello of exactly {@code bytes} encoded, padded through its auth token (no tokens are configured). */
    private static ClientFrame helloOfSize(int bytes) {
        for (int pad = bytes; pad >= 0; pad--) {
            ClientFrame f = ClientFrame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1)
                    .setClientName("c").setAuthToken("t".repeat(pad))).build();
            if (f.getSerializedSize() == bytes) {
                return f;
            }
        }
        throw new AssertionError("no Hello of " + bytes + " bytes");
    }

    private static ClientFrame submit(long requestId, int events) {
        Submit.Builder submit = Submit.newBuilder().setRequestId(requestId);
        for (int i = 0; i < events; i++) {
            MutationEvent e = TestEvents.topUp("acct-" + i, 100);
            submit.addEvents(e);
        }
        return ClientFrame.newBuilder().setSubmit(submit).build();
    }

    private void hello() throws Exception {
        channel.writeInbound(framed(helloOfSize(20)));
        assertThat(written()).singleElement().matches(ServerFrame::hasWelcome);
    }

    @Test
    void aHelloOfExactly16KiBIsWelcomed() throws Exception {
        connect(true);
        channel.writeInbound(framed(helloOfSize(ServerInitializer.PRE_HELLO_MAX_FRAME_BYTES)));
        assertThat(written()).singleElement().matches(ServerFrame::hasWelcome);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aHelloOfOneByteMoreThan16KiBIsRefusedBeforeItIsBuffered() throws Exception {
        connect(true);
        ByteBuf frame = framed(helloOfSize(ServerInitializer.PRE_HELLO_MAX_FRAME_BYTES + 1));
        channel.writeInbound(frame.readRetainedSlice(4)); // the length alone
        frame.release();
        ServerFrame error = written().get(0);
        assertThat(error.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
        assertThat(error.getError().getMessage()).endsWith("before Hello");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aSubmitOfExactlyMaxEventsPerSubmitIsAnsweredEventByEvent() throws Exception {
        connect(true);
        hello();
        channel.writeInbound(framed(submit(1, MAX_EVENTS_PER_SUBMIT)));
        List<ServerFrame> frames = written();
        assertThat(frames).singleElement().matches(ServerFrame::hasAck);
        assertThat(frames.get(0).getAck().getResultsList()).hasSize(MAX_EVENTS_PER_SUBMIT)
                .allMatch(r -> r.getStatus() == Status.STATUS_ACCEPTED);
        assertThat(producer.history()).hasSize(MAX_EVENTS_PER_SUBMIT);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aSubmitOfOneEventMoreThanMaxEventsPerSubmitIsAProtocolViolation() throws Exception {
        connect(true);
        hello();
        channel.writeInbound(framed(submit(1, MAX_EVENTS_PER_SUBMIT + 1)));
        ServerFrame error = written().get(0);
        assertThat(error.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION);
        assertThat(error.getError().getMessage()).isEqualTo("Submit 1 has 6 events; a Submit carries 1..5");
        assertThat(producer.history()).as("none of its events written").isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void theConnectionStopsReadingAtItsInFlightWindowAndResumesWhenKafkaAnswers() throws Exception {
        connect(false);
        hello();
        channel.writeInbound(framed(submit(1, MAX_EVENTS_PER_SUBMIT)));
        assertThat(channel.config().isAutoRead()).as("5 of 8 in flight").isTrue();
        channel.writeInbound(framed(submit(2, MAX_IN_FLIGHT - MAX_EVENTS_PER_SUBMIT)));
        assertThat(channel.config().isAutoRead()).as("8 of 8 in flight").isFalse();

        while (producer.completeNext()) {
            // Kafka acknowledges every record
        }
        channel.runPendingTasks();

        assertThat(written()).hasSize(2).allMatch(ServerFrame::hasAck);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertFalse(channel.finish());
        channel = null;
    }

    /** One sample of the connection's server metrics, read as Prometheus text. */
    private double metric(String name, java.util.Map<String, String> labels) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out,
                context.metrics().registry().scrape());
        return dev.ledger.testkit.support.AdminHttp.sample(out.toString(java.nio.charset.StandardCharsets.UTF_8),
                name, labels);
    }

    @Test
    void anAcceptedConnectionIsCountedOnceWithItsFramesEventsAndSubmitDuration() throws Exception {
        connect(true);
        hello();
        channel.writeInbound(framed(submit(1, 3)));
        assertThat(written()).singleElement().matches(ServerFrame::hasAck);
        channel.close();
        assertThat(metric("ledger_connection_attempts_total", java.util.Map.of("result", "accepted"))).isEqualTo(1);
        assertThat(metric("ledger_connection_attempts_total", java.util.Map.of())).as("one result per connection")
                .isEqualTo(1);
        assertThat(metric("ledger_frames_received_total", java.util.Map.of("kind", "hello"))).isEqualTo(1);
        assertThat(metric("ledger_frames_received_total", java.util.Map.of("kind", "submit"))).isEqualTo(1);
        assertThat(metric("ledger_events_total", java.util.Map.of("type", "top_up", "status", "accepted"))).isEqualTo(3);
        assertThat(metric("ledger_submit_duration_seconds_count", java.util.Map.of())).isEqualTo(1);
        assertThat(metric("ledger_inflight_events", java.util.Map.of())).isZero();
    }

    @Test
    void aRefusedFrameBeforeHelloCountsAProtocolViolationAndItsErrorCode() throws Exception {
        connect(true);
        channel.writeInbound(framed(helloOfSize(ServerInitializer.PRE_HELLO_MAX_FRAME_BYTES + 1)));
        assertThat(written()).singleElement().matches(f -> f.getError().getCode() == ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
        channel.close();
        assertThat(metric("ledger_connection_attempts_total", java.util.Map.of("result", "protocol_violation")))
                .isEqualTo(1);
        assertThat(metric("ledger_connection_attempts_total", java.util.Map.of())).isEqualTo(1);
        assertThat(metric("ledger_connection_errors_total", java.util.Map.of("code", "frame_too_large"))).isEqualTo(1);
    }

    @Test
    void aConnectionClosedBeforeHelloIsCountedAsSuch() throws Exception {
        connect(true);
        channel.close();
        assertThat(metric("ledger_connection_attempts_total", java.util.Map.of("result", "closed_before_hello")))
                .isEqualTo(1);
    }

    @Test
    void aFullWindowShowsInTheInFlightAndPausedGaugesUntilKafkaAnswers() throws Exception {
        connect(false);
        hello();
        long before = System.nanoTime();
        channel.writeInbound(framed(submit(1, MAX_EVENTS_PER_SUBMIT)));
        channel.writeInbound(framed(submit(2, MAX_IN_FLIGHT - MAX_EVENTS_PER_SUBMIT)));
        assertThat(metric("ledger_inflight_events", java.util.Map.of())).isEqualTo(MAX_IN_FLIGHT);
        assertThat(metric("ledger_read_paused_connections", java.util.Map.of())).isEqualTo(1);
        while (producer.completeNext()) {
            // every record acknowledged
        }
        channel.runPendingTasks();
        assertThat(written()).hasSize(2).allMatch(ServerFrame::hasAck);
        assertThat(metric("ledger_inflight_events", java.util.Map.of())).isZero();
        assertThat(metric("ledger_read_paused_connections", java.util.Map.of())).isZero();
        double elapsedSeconds = (System.nanoTime() - before) / 1e9;
        assertThat(metric("ledger_kafka_send_duration_seconds_count", java.util.Map.of()))
                .as("the first event of each of the two Submits").isEqualTo(2);
        // Each recorded duration lies within the time measured around the whole exchange.
        assertThat(metric("ledger_kafka_send_duration_seconds_sum", java.util.Map.of()))
                .isBetween(0.0, 2 * elapsedSeconds);
        assertThat(metric("ledger_submit_duration_seconds_count", java.util.Map.of())).isEqualTo(2);
        assertThat(metric("ledger_submit_duration_seconds_sum", java.util.Map.of())).isBetween(0.0, 2 * elapsedSeconds);
    }

    @Test
    void oneAckTimerAnswersEachSubmitUnavailableAtItsOwnDeadlineInArrivalOrder() throws Exception {
        long timeoutMs = 1000;
        connect(false, timeoutMs); // Kafka never answers
        hello();
        channel.writeInbound(framed(submit(1, 1)));
        long first = System.nanoTime();
        Thread.sleep(timeoutMs / 2);
        channel.writeInbound(framed(submit(2, 1)));
        List<ServerFrame> acks = new ArrayList<>();
        while (acks.isEmpty()) {
            assertThat(System.nanoTime() - first).as("the first Submit's ack timeout fired")
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(10 * timeoutMs));
            Thread.sleep(10);
            channel.runScheduledPendingTasks();
            acks.addAll(written());
        }
        assertThat(System.nanoTime() - first).as("not before its deadline")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(timeoutMs));
        assertThat(acks).as("only the first Submit is past its deadline").singleElement()
                .satisfies(f -> assertThat(f.getAck().getRequestId()).isEqualTo(1))
                .satisfies(f -> assertThat(f.getAck().getResults(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE));
        acks.clear();
        while (acks.isEmpty()) {
            assertThat(System.nanoTime() - first).isLessThan(TimeUnit.MILLISECONDS.toNanos(10 * timeoutMs));
            Thread.sleep(10);
            channel.runScheduledPendingTasks();
            acks.addAll(written());
        }
        assertThat(System.nanoTime() - first).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(timeoutMs * 3 / 2));
        assertThat(acks).singleElement().satisfies(f -> assertThat(f.getAck().getRequestId()).isEqualTo(2));
        assertThat(metric("ledger_inflight_events", java.util.Map.of())).isZero();
    }

    @Test
    void anAnsweredSubmitLeavesNoTimerBehindAndALaterOneStillTimesOut() throws Exception {
        long timeoutMs = 300;
        connect(false, timeoutMs);
        hello();
        channel.writeInbound(framed(submit(1, 1)));
        assertThat(producer.completeNext()).isTrue();
        channel.runPendingTasks();
        assertThat(written()).singleElement().satisfies(f -> assertThat(f.getAck().getResults(0).getStatus())
                .isEqualTo(Status.STATUS_ACCEPTED));
        Thread.sleep(timeoutMs + 50);
        channel.runScheduledPendingTasks();
        assertThat(written()).as("nothing left to time out").isEmpty();
        channel.writeInbound(framed(submit(2, 1)));
        long sent = System.nanoTime();
        List<ServerFrame> acks = new ArrayList<>();
        while (acks.isEmpty()) {
            assertThat(System.nanoTime() - sent).isLessThan(TimeUnit.MILLISECONDS.toNanos(20 * timeoutMs));
            Thread.sleep(10);
            channel.runScheduledPendingTasks();
            acks.addAll(written());
        }
        assertThat(acks).singleElement().satisfies(f -> assertThat(f.getAck().getResults(0).getStatus())
                .isEqualTo(Status.STATUS_UNAVAILABLE));
    }

    @Test
    void aConnectionClosedWhileKafkaIsSlowGetsNoAckAndNoLongerCountsInFlight() throws Exception {
        connect(false);
        hello();
        channel.writeInbound(framed(submit(1, 3)));
        channel.writeInbound(framed(submit(2, 2)));
        assertThat(context.inFlight().submits()).isEqualTo(2);
        assertThat(metric("ledger_inflight_events", java.util.Map.of())).isEqualTo(5);
        channel.close();
        assertThat(context.inFlight().submits()).as("the closed connection's Submits no longer count").isZero();
        assertThat(metric("ledger_inflight_events", java.util.Map.of())).isZero();

        while (producer.completeNext()) {
            // Kafka acknowledges after the close
        }
        channel.runPendingTasks();

        assertThat(written()).as("no Ack for a closed connection").isEmpty();
        assertThat(context.inFlight().events()).isZero();
        assertThat(context.inFlight().submits()).isZero();
        assertThat(metric("ledger_events_total", java.util.Map.of())).as("nothing counted as answered").isZero();
    }
}
