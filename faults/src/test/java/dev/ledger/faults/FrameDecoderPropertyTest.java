package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.ClientFrameView;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.Hello;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Ping;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Submit;
import dev.ledger.server.codec.FrameDecoder;
import dev.ledger.server.codec.InboundFrame;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzes the server's {@link FrameDecoder} on an {@link EmbeddedChannel} with generated inputs, each
 * fed in randomly sized chunks: streams of valid and broken frames, the same streams with flipped bytes, and plain
 * random bytes. For every input it checks the decoder against a reference framing written from the protocol text:
 * nothing escapes the pipeline, no frame above the maximum is emitted, the frames it emits are exactly the
 * reference's, it answers exactly one Error (with the reference's code) and closes when the reference says the
 * stream is bad, stays open and silent otherwise, and every buffer handed to it or allocated by it is released
 * at the end. The three properties run 105,000 tries in all.
 */
class FrameDecoderPropertyTest {

    /** Small on purpose, so generated payloads and lengths cross it often. */
    private static final int MAX_FRAME_BYTES = 512;

    @Property(tries = 30_000)
    void anyChunkingOfMixedFramesDecodesExactlyAsTheReferenceFraming(
            @ForAll("segments") @Size(max = 8) List<byte[]> segments,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 96) Integer> chunkSizes) {
        Statistics.collect(checkAgainstReference(concat(segments), chunkSizes));
        everyOutcomeIsGenerated();
    }

    @Property(tries = 30_000)
    void corruptedFrameStreamsNeverEscapeThePipelineNorLeak(
            @ForAll("segments") @Size(min = 1, max = 6) List<byte[]> segments,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 4_000) Integer> flipPositions,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 96) Integer> chunkSizes) {
        byte[] stream = concat(segments);
        if (stream.length > 0) {
            for (int position : flipPositions) {
                stream[position % stream.length] ^= (byte) (position * 31 + 1);
            }
        }
        Statistics.collect(checkAgainstReference(stream, chunkSizes));
        everyOutcomeIsGenerated();
    }

    @Property(tries = 45_000)
    void arbitraryBytesAreDecodedOrAnsweredWithOneErrorAndAClose(
            @ForAll @Size(max = 1_500) byte[] stream,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 256) Integer> chunkSizes) {
        checkAgainstReference(stream, chunkSizes);
    }

    /** The generators are worth something only if they reach every branch of the framing. */
    private static void everyOutcomeIsGenerated() {
        Statistics.coverage(coverage -> {
            coverage.check("frames only").count(c -> c > 0);
            coverage.check(ErrorCode.ERROR_CODE_EMPTY_FRAME.name()).count(c -> c > 0);
            coverage.check(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE.name()).count(c -> c > 0);
            coverage.check(ErrorCode.ERROR_CODE_MALFORMED_FRAME.name()).count(c -> c > 0);
        });
    }

    // ------------------------------------------------------------------ the check

    /** Runs one input through the decoder, checks it against the reference, and names the outcome. */
    private static String checkAgainstReference(byte[] stream, List<Integer> chunkSizes) {
        Expected expected = referenceFraming(stream);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_BYTES));
        RecordingAllocator allocator = new RecordingAllocator();
        channel.config().setAllocator(allocator);
        List<ByteBuf> fed = new ArrayList<>();
        List<byte[]> decoded = new ArrayList<>();
        int offset = 0;
        for (int i = 0; offset < stream.length && channel.isOpen(); i++) {
            int size = Math.min(chunkSizes.get(i % chunkSizes.size()), stream.length - offset);
            ByteBuf chunk = Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, offset, offset + size));
            fed.add(chunk);
            channel.writeInbound(chunk); // throws if anything escaped the pipeline
            offset += size;
            drainInbound(channel, decoded);
        }
        channel.checkException();
        List<ServerFrame> answers = new ArrayList<>();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            answers.add((ServerFrame) out);
        }
        boolean openBeforeFinish = channel.isOpen();
        channel.finish();
        drainInbound(channel, decoded);

        assertThat(decoded).as("frames emitted").hasSize(expected.frames.size());
        for (int i = 0; i < decoded.size(); i++) {
            assertThat(decoded.get(i)).as("frame %d", i).isEqualTo(expected.frames.get(i));
        }
        if (expected.error == null) {
            assertThat(answers).as("answers to a good stream").isEmpty();
            assertThat(openBeforeFinish).as("connection open after a good stream").isTrue();
        } else {
            assertThat(answers).as("answers to a bad stream").hasSize(1);
            assertThat(answers.get(0).getError().getCode()).isEqualTo(expected.error);
            assertThat(openBeforeFinish).as("connection closed after an Error").isFalse();
        }
        for (ByteBuf buf : fed) {
            assertThat(buf.refCnt()).as("input buffer released").isZero();
        }
        for (ByteBuf buf : allocator.allocated) {
            assertThat(buf.refCnt()).as("buffer the decoder allocated is released").isZero();
        }
        return expected.error == null ? "frames only" : expected.error.name();
    }

    /** Hands out unpooled heap buffers and remembers each, so the check can prove every one was released. */
    private static final class RecordingAllocator extends AbstractByteBufAllocator {

        final List<ByteBuf> allocated = new ArrayList<>();

        RecordingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, initialCapacity, maxCapacity);
            allocated.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static void drainInbound(EmbeddedChannel channel, List<byte[]> decoded) {
        for (Object in; (in = channel.readInbound()) != null; ) {
            InboundFrame frame = (InboundFrame) in;
            try {
                int size = frame.content().readableBytes();
                assertThat(size).as("emitted frame size").isBetween(1, MAX_FRAME_BYTES);
                assertThat(frame.view().getKindCase()).isNotEqualTo(ClientFrameView.KindCase.KIND_NOT_SET);
                decoded.add(ByteBufUtil.getBytes(frame.content()));
            } finally {
                frame.release();
            }
        }
    }

    /** What the protocol text says a whole stream decodes to: its complete frames, then maybe one Error. */
    private record Expected(List<byte[]> frames, ErrorCode error) {
    }

    private static Expected referenceFraming(byte[] stream) {
        List<byte[]> frames = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(stream);
        while (in.remaining() >= 4) {
            long length = Integer.toUnsignedLong(in.getInt());
            if (length == 0) {
                return new Expected(frames, ErrorCode.ERROR_CODE_EMPTY_FRAME);
            }
            if (length > MAX_FRAME_BYTES) {
                return new Expected(frames, ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
            }
            if (in.remaining() < length) {
                break; // truncated: wait for more, no answer yet
            }
            byte[] payload = new byte[(int) length];
            in.get(payload);
            try {
                if (ClientFrameView.parseFrom(payload).getKindCase() == ClientFrameView.KindCase.KIND_NOT_SET) {
                    return new Expected(frames, ErrorCode.ERROR_CODE_MALFORMED_FRAME);
                }
            } catch (InvalidProtocolBufferException e) {
                return new Expected(frames, ErrorCode.ERROR_CODE_MALFORMED_FRAME);
            }
            frames.add(payload);
        }
        return new Expected(frames, null);
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<List<byte[]>> segments() {
        return Arbitraries.frequencyOf(
                        Tuple.of(6, validFrames()),
                        Tuple.of(2, framesWithRandomPayload()),
                        Tuple.of(1, Arbitraries.just(new byte[4])),
                        Tuple.of(1, oversizeLengths()),
                        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)))
                .list().ofMaxSize(8);
    }

    private static Arbitrary<byte[]> validFrames() {
        Arbitrary<ClientFrame> hello = Combinators.combine(
                        Arbitraries.integers().between(0, 3), Arbitraries.strings().ofMaxLength(16))
                .as((version, name) -> ClientFrame.newBuilder()
                        .setHello(Hello.newBuilder().setProtocolVersion(version).setClientName(name)).build());
        Arbitrary<ClientFrame> ping = Arbitraries.longs()
                .map(n -> ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(n)).build());
        Arbitrary<ClientFrame> submit = Combinators.combine(
                        Arbitraries.longs().greaterOrEqual(0),
                        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(24).list().ofMaxSize(3))
                .as((requestId, ids) -> {
                    Submit.Builder b = Submit.newBuilder().setRequestId(requestId);
                    for (String id : ids) {
                        MutationEvent e = TestEvents.transfer(id);
                        b.addEvents(e);
                    }
                    return ClientFrame.newBuilder().setSubmit(b).build();
                });
        return Arbitraries.oneOf(hello, ping, submit).map(RawFrameClient::framed);
    }

    private static Arbitrary<byte[]> framesWithRandomPayload() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(MAX_FRAME_BYTES + 40)
                .map(payload -> ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array());
    }

    private static Arbitrary<byte[]> oversizeLengths() {
        return Arbitraries.longs().between(MAX_FRAME_BYTES + 1L, 0xFFFF_FFFFL)
                .map(length -> ByteBuffer.allocate(4).putInt((int) (long) length).array());
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
