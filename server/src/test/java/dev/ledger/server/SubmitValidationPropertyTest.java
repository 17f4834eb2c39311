package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.core.rules.EventValidator;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrameView;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Hello;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.Status;
import dev.ledger.proto.SubmitView;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import dev.ledger.server.admin.ServerMetrics;
import dev.ledger.server.codec.FrameDecoder;
import dev.ledger.server.codec.ServerFrameEncoder;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.server.decisions.DecisionRouter;
import dev.ledger.server.kafka.ByteBudget;
import dev.ledger.server.kafka.KafkaCircuit;
import dev.ledger.server.kafka.KafkaEventWriter;
import dev.ledger.server.kafka.ProducerSlot;
import dev.ledger.server.security.ServerSecurity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server reads each event from its wire bytes ({@code WireEvent}); this holds it, over thousands of random,
 * malformed and garbage events sent through the real pipeline on an {@link EmbeddedChannel}, to the object path it
 * replaced, kept here as the reference: protobuf parses the event, the validator checks the {@link MutationEvent},
 * the key is taken from the message. Same status, reason and event id in the Ack, and the same record key and value
 * written to Kafka's {@link MockProducer}. A seeded loop (the server module has no jqwik): a failure names its seed.
 */
class SubmitValidationPropertyTest {

    private static final String TOPIC = "t";
    private static final int EVENTS_PER_SUBMIT = 20;
    private static final String[] TEXTS = {"", "a", "acct-1", "acct-2", "EUR", "USD", "eur", "EU", "EURO", "ÄBC",
        "€", "x".repeat(64), "x".repeat(65), "y".repeat(128), "y".repeat(129), "é".repeat(64), "z".repeat(256),
        "z".repeat(257), "😀", "a\u0000b", "0f0e8a52-6b7c-4d2e-9f10-3a4b5c6d7e8f"};

    private final ScheduledThreadPoolExecutor maintenance = new ScheduledThreadPoolExecutor(1);
    private final EventValidator referenceValidator = new EventValidator();
    private MockProducer<byte[], byte[]> producer;
    private EmbeddedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        maintenance.shutdownNow();
    }

    @Test
    void wireValidationGivesTheVerdictReasonAndKeyOfTheObjectPath() throws Exception {
        connect();
        long seed = 20240614L;
        Random random = new Random(seed);
        int invalid = 0;
        int malformed = 0;
        int accepted = 0;
        for (int submit = 1; submit <= 400; submit++) {
            List<byte[]> events = new ArrayList<>();
            for (int i = 0; i < EVENTS_PER_SUBMIT; i++) {
                events.add(eventBytes(random));
            }
            int written = producer.history().size();
            Ack ack = submitAndAwait(submit, events);
            List<ProducerRecord<byte[], byte[]>> records = producer.history().subList(written,
                    producer.history().size());
            int record = 0;
            for (int i = 0; i < events.size(); i++) {
                Reference expected = reference(i, events.get(i));
                EventResult actual = ack.getResults(i);
                String where = "seed " + seed + ", submit " + submit + ", event " + i + ": "
                        + Arrays.toString(events.get(i));
                assertThat(actual.getStatus()).as(where).isEqualTo(expected.status());
                assertThat(actual.getReason()).as(where).isEqualTo(expected.reason());
                assertThat(actual.getEventId()).as(where).isEqualTo(expected.eventId());
                if (expected.status() == Status.STATUS_ACCEPTED) {
                    ProducerRecord<byte[], byte[]> r = records.get(record++);
                    assertThat(r.key()).as(where).isEqualTo(expected.key());
                    assertThat(r.value()).as(where).isEqualTo(events.get(i));
                    accepted++;
                } else if (expected.reason().contains("is not a MutationEvent")) {
                    malformed++;
                } else {
                    invalid++;
                }
            }
            assertThat(records).as("one record per accepted event (one partition)").hasSize(record);
        }
        // The generator reaches every verdict often, so the comparison above is not vacuous.
        assertThat(accepted).isGreaterThan(500);
        assertThat(invalid).isGreaterThan(500);
        assertThat(malformed).isGreaterThan(100);
    }

    /** The verdict of the object path the server had before reading events from their bytes. */
    private Reference reference(int index, byte[] bytes) {
        MutationEvent event;
        try {
            event = MutationEvent.parseFrom(ByteString.copyFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            return new Reference(Status.STATUS_INVALID, "events[" + index + "] is not a MutationEvent: "
                    + e.getMessage(), "", null);
        }
        String reason = referenceValidator.validate(event);
        if (reason != null) {
            return new Reference(Status.STATUS_INVALID, reason, event.getEventId(), null);
        }
        String key = switch (event.getBodyCase()) {
            case TRANSFER -> event.getTransfer().getPayerAccountId();
            case TOP_UP -> event.getTopUp().getAccountId();
            case CREATE_ACCOUNT -> event.getCreateAccount().getAccountId();
            default -> event.getEventId(); // a Snapshot
        };
        return new Reference(Status.STATUS_ACCEPTED, "", event.getEventId(), key.getBytes(StandardCharsets.UTF_8));
    }

    private record Reference(Status status, String reason, String eventId, byte[] key) {
    }

    // ------------------------------------------------------------------------------------------------ generator

    private static byte[] eventBytes(Random random) {
        int shape = random.nextInt(20);
        if (shape == 0) {
            byte[] garbage = new byte[random.nextInt(40)];
            random.nextBytes(garbage);
            return garbage;
        }
        byte[] bytes = event(random).toByteArray();
        return switch (shape) {
            case 1 -> mutateOneByte(random, bytes);
            case 2 -> Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)); // truncated
            case 3 -> concat(bytes, event(random).toByteArray()); // protobuf merges the two messages
            case 4 -> concat(bytes, new byte[] {(byte) (15 << 3), 7}); // an unknown varint field
            case 5 -> concat(bytes, new byte[] {(byte) 0x82, 0x01, 0}); // a two-byte tag: field 16, length 0
            case 6 -> concat(new byte[] {0x0a, 0x03, 'd', 'u', 'p'}, bytes); // the event_id twice, the last wins
            default -> bytes;
        };
    }

    private static MutationEvent event(Random random) {
        MutationEvent.Builder e = MutationEvent.newBuilder();
        if (random.nextInt(10) > 0) {
            e.setEventId(random.nextInt(4) == 0 ? text(random) : "id-" + random.nextInt(1_000_000));
        }
        switch (random.nextInt(9)) {
            case 0 -> {
                // no body
            }
            case 1, 2 -> e.setCreateAccount(CreateAccount.newBuilder().setAccountId(account(random))
                    .setCurrency(currency(random)).setDisplayName(text(random)).setGroupValue(random.nextInt(5) - 1));
            case 3, 4 -> e.setTopUp(TopUp.newBuilder().setAccountId(account(random))
                    .setSettlementAccountId(account(random)).setAmountMinor(amount(random))
                    .setCurrency(currency(random)));
            case 5, 6, 7 -> e.setTransfer(Transfer.newBuilder().setPayerAccountId(account(random))
                    .setPayeeAccountId(account(random)).setAmountMinor(amount(random)).setFeeMinor(small(random))
                    .setFeeAccountId(random.nextBoolean() ? "" : account(random)).setTaxMinor(small(random))
                    .setTaxAccountId(random.nextBoolean() ? "" : account(random)).setCurrency(currency(random)));
            default -> e.setSnapshot(Snapshot.newBuilder().setLabel(text(random)));
        }
        return e.build();
    }

    private static String account(Random random) {
        return random.nextInt(3) == 0 ? text(random) : "acct-" + random.nextInt(3);
    }

    private static String currency(Random random) {
        return random.nextInt(3) == 0 ? text(random) : "EUR";
    }

    private static String text(Random random) {
        return TEXTS[random.nextInt(TEXTS.length)];
    }

    private static long amount(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -random.nextInt(100);
            case 2 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            default -> 1 + random.nextInt(1000);
        };
    }

    private static long small(Random random) {
        return random.nextInt(3) == 0 ? random.nextInt(40) - 10 : 0;
    }

    private static byte[] mutateOneByte(Random random, byte[] bytes) {
        byte[] copy = bytes.clone();
        if (copy.length > 0) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    // ------------------------------------------------------------------------------------------------ pipeline

    /** A connection of a server (no authentication: every principal may do everything) whose Kafka acks at once. */
    private void connect() throws Exception {
        Node node = new Node(0, "localhost", 9092);
        Cluster cluster = new Cluster("c", List.of(node),
                List.of(new PartitionInfo(TOPIC, 0, node, new Node[] {node}, new Node[] {node})), Set.of(), Set.of());
        producer = new MockProducer<>(cluster, true, null, new ByteArraySerializer(), new ByteArraySerializer());
        ServerConfig config = ServerConfig.builder().bootstrapServers("127.0.0.1:9").topic(TOPIC)
                .maxEventsPerSubmit(EVENTS_PER_SUBMIT).idleTimeoutMs(0).serverId("s-1").build();
        ProducerSlot slot = new ProducerSlot(producer, () -> producer, TOPIC, maintenance, Duration.ofSeconds(1));
        ServerMetrics metrics = new ServerMetrics(new PrometheusRegistry(), false);
        KafkaEventWriter writer = new KafkaEventWriter(slot, TOPIC, List.of(0), "s-1", new ByteBudget(1 << 24),
                new KafkaCircuit(3, 1000, 1000), metrics::kafkaSendCompleted);
        ServerContext context = new ServerContext(config, writer, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                ServerSecurity.start(config), new DecisionRouter(), metrics);
        channel = new EmbeddedChannel(new ServerFrameEncoder(),
                new FrameDecoder(config.maxFrameBytes(), ServerInitializer.PRE_HELLO_MAX_FRAME_BYTES),
                new ConnectionHandler(context));
        channel.writeInbound(framed(ClientFrameView.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1)
                .setClientName("property")).build()));
        assertThat(written()).singleElement().matches(ServerFrame::hasWelcome);
    }

    private Ack submitAndAwait(long requestId, List<byte[]> events) throws Exception {
        SubmitView.Builder submit = SubmitView.newBuilder().setRequestId(requestId);
        for (byte[] e : events) {
            submit.addEvents(ByteString.copyFrom(e));
        }
        channel.writeInbound(framed(ClientFrameView.newBuilder().setSubmit(submit).build()));
        List<ServerFrame> frames = written();
        assertThat(frames).singleElement().matches(ServerFrame::hasAck);
        Ack ack = frames.get(0).getAck();
        assertThat(ack.getRequestId()).isEqualTo(requestId);
        assertThat(ack.getResultsCount()).isEqualTo(events.size());
        return ack;
    }

    private static ByteBuf framed(ClientFrameView frame) {
        byte[] payload = frame.toByteArray();
        return Unpooled.buffer().writeInt(payload.length).writeBytes(payload);
    }

    private List<ServerFrame> written() throws Exception {
        List<ServerFrame> frames = new ArrayList<>();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            try {
                byte[] bytes = new byte[buf.readInt()];
                buf.readBytes(bytes);
                frames.add(ServerFrame.parseFrom(bytes));
            } finally {
                buf.release();
            }
        }
        return frames;
    }
}
