package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Hello;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.proto.Transfer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import dev.ledger.testkit.support.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The happy path and per-event outcomes against a real server and a real single-node Kafka. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerServerTest {

    private static final String TOPIC = "ledger.test";
    private static EmbeddedKafka kafka;
    private static LedgerServer server;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSingleNode();
        server = LedgerServer.start(config().build());
    }

    static ServerConfig.Builder config() {
        return ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true).bindAddress("127.0.0.1").port(0)
                .topic(TOPIC).topicPartitions(3).serverId("test-server");
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

    @Test
    void helloIsAnsweredWithWelcomeCarryingTheLimits() throws Exception {
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            ServerFrame f = c.hello("welcome-test", "");
            assertThat(f.hasWelcome()).isTrue();
            assertThat(f.getWelcome().getProtocolVersion()).isEqualTo(1);
            assertThat(f.getWelcome().getServerId()).isEqualTo("test-server");
            assertThat(f.getWelcome().getMaxFrameBytes()).isEqualTo(ServerConfig.Defaults.MAX_FRAME_BYTES);
            assertThat(f.getWelcome().getMaxInFlightEvents())
                    .isEqualTo(ServerConfig.Defaults.MAX_IN_FLIGHT_EVENTS_PER_CONNECTION);
        }
    }

    @Test
    void pingIsAnsweredWithPongCarryingTheNonce() throws Exception {
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "ping-test")) {
            c.ping(42);
            ServerFrame f = c.read();
            assertThat(f.getPong().getNonce()).isEqualTo(42);
        }
    }

    @Test
    void acceptedEventLandsInKafkaWithKeyOriginalBytesAndHeaders() throws Exception {
        MutationEvent transfer = TestEvents.transfer("alice", "bob", 500);
        MutationEvent topUp = TestEvents.topUp("carol", 100);
        MutationEvent create = TestEvents.createAccount("dave");
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "keys-test")) {
            Ack ack = c.submitAndAwait(1, List.of(transfer, topUp, create));
            assertThat(ack.getResultsList()).extracting(EventResult::getStatus).containsOnly(Status.STATUS_ACCEPTED);
            assertThat(ack.getResultsList()).extracting(EventResult::getEventId)
                    .containsExactly(transfer.getEventId(), topUp.getEventId(), create.getEventId());
            assertLanded(ack.getResults(0), "alice", transfer, "keys-test");
            assertLanded(ack.getResults(1), "carol", topUp, "keys-test");
            assertLanded(ack.getResults(2), "dave", create, "keys-test");
        }
    }

    private static void assertLanded(EventResult result, String key, MutationEvent sent, String clientName) {
        ConsumerRecord<byte[], byte[]> r = TopicRecords.at(kafka.bootstrapServers(), TOPIC, result.getPartition(),
                result.getOffset());
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(r.value()).isEqualTo(sent.toByteArray());
        assertThat(new String(r.headers().lastHeader(MutationHeaders.CLIENT_NAME).value(), StandardCharsets.UTF_8)).isEqualTo(clientName);
        assertThat(new String(r.headers().lastHeader(MutationHeaders.SERVER_ID).value(), StandardCharsets.UTF_8)).isEqualTo("test-server");
        long ingestTs = Long.parseLong(new String(r.headers().lastHeader(MutationHeaders.INGEST_TS).value(), StandardCharsets.US_ASCII));
        assertThat(ingestTs).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
    }

    @Test
    void valueIsTheEventExactlyAsSentEvenWithUnknownFields() throws Exception {
        // Unknown field 99 (varint) appended: a re-encoding server would drop or reorder it.
        byte[] known = TestEvents.transfer("erin", "frank", 7).toByteArray();
        byte[] sent = new byte[known.length + 3];
        System.arraycopy(known, 0, sent, 0, known.length);
        sent[known.length] = (byte) 0x98;
        sent[known.length + 1] = 0x06;
        sent[known.length + 2] = 0x01;
        MutationEvent parsed = MutationEvent.parseFrom(sent);
        byte[] submit = rawSubmit(5, List.of(sent));
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "bytes-test")) {
            c.sendFramed(submit);
            Ack ack = c.read().getAck();
            assertThat(ack.getResults(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
            ConsumerRecord<byte[], byte[]> r = TopicRecords.at(kafka.bootstrapServers(), TOPIC,
                    ack.getResults(0).getPartition(), ack.getResults(0).getOffset());
            assertThat(r.value()).isEqualTo(sent);
            assertThat(parsed.getEventId()).isEqualTo(ack.getResults(0).getEventId());
        }
    }

    /** A ClientFrame{submit} built by hand around raw event bytes. */
    private static byte[] rawSubmit(long requestId, List<byte[]> events) {
        com.google.protobuf.ByteString.Output submit = com.google.protobuf.ByteString.newOutput();
        try {
            com.google.protobuf.CodedOutputStream o = com.google.protobuf.CodedOutputStream.newInstance(submit);
            o.writeUInt64(1, requestId);
            for (byte[] e : events) {
                o.writeByteArray(2, e);
            }
            o.flush();
            com.google.protobuf.ByteString.Output frame = com.google.protobuf.ByteString.newOutput();
            com.google.protobuf.CodedOutputStream f = com.google.protobuf.CodedOutputStream.newInstance(frame);
            f.writeBytes(2, submit.toByteString());
            f.flush();
            return frame.toByteString().toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void snapshotLandsExactlyOnceOnEveryPartition() throws Exception {
        long[] before = TopicRecords.endOffsets(kafka.bootstrapServers(), TOPIC, 3);
        MutationEvent snapshot = TestEvents.snapshot("eod");
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "snapshot-test")) {
            Ack ack = c.submitAndAwait(9, List.of(snapshot));
            EventResult result = ack.getResults(0);
            assertThat(result.getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
            assertThat(result.getPartition()).isZero();
            long[] after = TopicRecords.endOffsets(kafka.bootstrapServers(), TOPIC, 3);
            for (int p = 0; p < 3; p++) {
                List<ConsumerRecord<byte[], byte[]>> records = TopicRecords.range(kafka.bootstrapServers(), TOPIC, p,
                        before[p], after[p]);
                assertThat(records).filteredOn(r -> java.util.Arrays.equals(r.value(), snapshot.toByteArray()))
                        .hasSize(1);
            }
        }
    }

    @Test
    void invalidEventIsRejectedWithReasonWhileValidNeighboursAreAccepted() throws Exception {
        MutationEvent good1 = TestEvents.transfer("gina", "hank", 10);
        MutationEvent bad = TestEvents.transfer("gina", "hank", 10).toBuilder()
                .setTransfer(Transfer.newBuilder(TestEvents.transfer("gina", "hank", 1).getTransfer()).setAmountMinor(-5))
                .build();
        MutationEvent good2 = TestEvents.topUp("gina", 10);
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "invalid-test")) {
            Ack ack = c.submitAndAwait(2, List.of(good1, bad, good2));
            assertThat(ack.getResultsList()).extracting(EventResult::getStatus)
                    .containsExactly(Status.STATUS_ACCEPTED, Status.STATUS_INVALID, Status.STATUS_ACCEPTED);
            assertThat(ack.getResults(1).getReason()).contains("transfer.amount_minor").contains("-5");
            assertThat(ack.getResults(1).getEventId()).isEqualTo(bad.getEventId());
            c.ping(1);
            assertThat(c.read().hasPong()).as("connection stays open").isTrue();
        }
    }

    @Test
    void manyPipelinedSubmitsAreEachAnsweredOnce() throws Exception {
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "pipeline-test")) {
            for (long id = 100; id < 150; id++) {
                List<MutationEvent> events = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    events.add(TestEvents.transfer("p" + i, "q" + i, 5));
                }
                c.submit(id, events);
            }
            List<Long> acked = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Ack ack = c.read().getAck();
                assertThat(ack.getResultsList()).hasSize(20)
                        .extracting(EventResult::getStatus).containsOnly(Status.STATUS_ACCEPTED);
                acked.add(ack.getRequestId());
            }
            assertThat(acked).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.LongStream.range(100, 150).boxed().toList());
        }
    }

    @Test
    void malformedFrameClosesOnlyItsOwnConnection() throws Exception {
        try (RawFrameClient neighbour = RawFrameClient.connectAndHello(server.port(), "neighbour");
                RawFrameClient bad = RawFrameClient.connectAndHello(server.port(), "bad")) {
            bad.sendFramed(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
            ServerFrame f = bad.read();
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_MALFORMED_FRAME);
            assertThat(bad.closedByServer()).isTrue();
            Ack ack = neighbour.submitAndAwait(3, List.of(TestEvents.topUp("ivan", 1)));
            assertThat(ack.getResults(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
        }
    }

    @Test
    void oversizeLengthClosesOnlyThatConnection() throws Exception {
        try (RawFrameClient neighbour = RawFrameClient.connectAndHello(server.port(), "neighbour");
                RawFrameClient bad = RawFrameClient.connectAndHello(server.port(), "bad")) {
            bad.sendRaw(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            ServerFrame f = bad.read();
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
            assertThat(f.getError().getMessage()).contains("2147483647").contains("1048576");
            assertThat(bad.closedByServer()).isTrue();
            neighbour.ping(5);
            assertThat(neighbour.read().getPong().getNonce()).isEqualTo(5);
        }
    }

    @Test
    void submitBeforeHelloIsRefusedWithHelloRequired() throws Exception {
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            c.submit(1, List.of(TestEvents.topUp("x", 1)));
            assertThat(c.read().getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_HELLO_REQUIRED);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void unknownProtocolVersionIsRefused() throws Exception {
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            c.send(ClientFrame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(2)).build());
            assertThat(c.read().getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void secondHelloIsAProtocolViolation() throws Exception {
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "twice")) {
            assertThat(c.hello("twice", "").getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void emptySubmitIsAProtocolViolation() throws Exception {
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "empty")) {
            c.submit(1, List.of());
            ServerFrame f = c.read();
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION);
            assertThat(f.getError().getMessage()).contains("0 events");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
