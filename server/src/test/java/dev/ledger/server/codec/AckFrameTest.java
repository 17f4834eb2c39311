package dev.ledger.server.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.EventResult;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.kafka.EventResults;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Ack written from primitives is byte for byte the frame the protobuf objects make, through the server's
 * encoder: every status, a reason (ASCII and not), a Snapshot's lowest-partition result, ids that are empty or long,
 * request ids and offsets at their edges.
 */
class AckFrameTest {

    /**
     * An Ack's content as the encoder reads it, taken from result objects. With {@code idsAsBytes}, every other event
     * gives its id as UTF-8 bytes in the middle of a larger array (as the server does with the event it received),
     * the others as a String.
     */
    private record Listed(long requestId, List<EventResult> results, boolean idsAsBytes) implements AckFrame.Results {
        @Override
        public int eventCount() {
            return results.size();
        }

        @Override
        public byte[] eventIdBuffer(int index) {
            if (!idsAsBytes || index % 2 == 1) {
                return null;
            }
            return ("<+" + results.get(index).getEventId() + "+>").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int eventIdOffset(int index) {
            return 2;
        }

        @Override
        public int eventIdLength(int index) {
            return results.get(index).getEventId().getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public String eventId(int index) {
            return results.get(index).getEventId();
        }

        @Override
        public int statusNumber(int index) {
            return results.get(index).getStatusValue();
        }

        @Override
        public int partition(int index) {
            return results.get(index).getPartition();
        }

        @Override
        public long offset(int index) {
            return results.get(index).getOffset();
        }

        @Override
        public String reason(int index) {
            return results.get(index).getReason();
        }
    }

    /** What the server sent before: the frame built as objects, through {@link ServerFrameEncoder}. */
    private static byte[] viaObjects(long requestId, List<EventResult> results) {
        EmbeddedChannel channel = new EmbeddedChannel(new ServerFrameEncoder());
        channel.writeOutbound(ServerFrames.ack(requestId, results));
        ByteBuf buf = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
            assertThat(channel.finish()).isFalse();
        }
    }

    private static byte[] direct(long requestId, List<EventResult> results, boolean idsAsBytes) {
        ByteBuf buf = AckFrame.encode(PooledByteBufAllocator.DEFAULT, new Listed(requestId, results, idsAsBytes));
        try {
            assertThat(buf.writableBytes()).as("sized exactly").isZero();
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static void assertSameBytes(long requestId, List<EventResult> results) throws Exception {
        byte[] expected = viaObjects(requestId, results);
        assertThat(direct(requestId, results, false)).isEqualTo(expected);
        assertThat(direct(requestId, results, true)).as("ids given as UTF-8 bytes").isEqualTo(expected);
        ServerFrame parsed = ServerFrame.parseFrom(java.util.Arrays.copyOfRange(expected, 4, expected.length));
        assertThat(parsed.getAck().getResultsList()).isEqualTo(results);
    }

    @Test
    void anAckOfEveryStatusIsByteForByteTheProtobufOne() throws Exception {
        List<EventResult> results = new ArrayList<>();
        results.add(EventResults.accepted("e-accepted", 3, 123_456_789_012L));
        results.add(EventResults.of("e-invalid", Status.STATUS_INVALID, "amount must be positive: -5"));
        results.add(EventResults.of("e-unavailable", Status.STATUS_UNAVAILABLE, "Kafka write failed: timeout"));
        results.add(EventResults.of("e-overloaded", Status.STATUS_OVERLOADED, "retry with backoff"));
        results.add(EventResults.of("e-unauth", Status.STATUS_UNAUTHENTICATED, "revoked"));
        results.add(EventResults.of("e-denied", Status.STATUS_PERMISSION_DENIED, "payer outside acct-a*"));
        assertSameBytes(42, results);
    }

    @Test
    void aSnapshotsLowestPartitionResultAndEdgeValuesEncodeAlike() throws Exception {
        assertSameBytes(7, List.of(EventResults.accepted("snap-1", 0, 17))); // partition 0 is left out
        assertSameBytes(0, List.of(EventResults.accepted("", 0, 0))); // everything default
        assertSameBytes(-1L, List.of(EventResults.accepted("x".repeat(300), Integer.MAX_VALUE, Long.MAX_VALUE)));
        assertSameBytes(1L << 62, List.of(EventResults.of("é-ü-名", Status.STATUS_INVALID, "ünïcode réason ✓ 😀")));
        assertSameBytes(5, List.of(EventResults.of("", Status.STATUS_INVALID, "events[0] is not a MutationEvent")));
    }

    @Test
    void randomAcksOfUpToAThousandEventsEncodeAlike() throws Exception {
        Random random = new Random(14);
        Status[] failures = {Status.STATUS_INVALID, Status.STATUS_UNAVAILABLE, Status.STATUS_OVERLOADED,
            Status.STATUS_PERMISSION_DENIED};
        for (int round = 0; round < 200; round++) {
            int count = 1 + random.nextInt(round < 190 ? 20 : 1000);
            List<EventResult> results = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = "evt-" + Long.toHexString(random.nextLong());
                results.add(random.nextInt(10) > 0
                        ? EventResults.accepted(id, random.nextInt(64), random.nextLong() & Long.MAX_VALUE)
                        : EventResults.of(id, failures[random.nextInt(failures.length)], "r".repeat(random.nextInt(200))));
            }
            assertSameBytes(random.nextLong(), results);
        }
    }

    @Test
    void anUnpooledAllocatorGetsTheSameBytes() {
        List<EventResult> results = List.of(EventResults.accepted("a", 1, 2), EventResults.of("b",
                Status.STATUS_OVERLOADED, "busy"));
        ByteBuf buf = AckFrame.encode(UnpooledByteBufAllocator.DEFAULT, new Listed(9, results, true));
        try {
            assertThat(ByteBufUtil.getBytes(buf)).isEqualTo(viaObjects(9, results));
        } finally {
            buf.release();
        }
    }
}
