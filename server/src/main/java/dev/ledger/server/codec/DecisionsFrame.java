package dev.ledger.server.codec;

import com.google.protobuf.CodedOutputStream;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Decisions;
import dev.ledger.proto.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Encodes a Decisions frame (the 4-byte length and a {@link ServerFrame} holding a {@link Decisions}) from the
 * request id and each decision's own encoding, copied in as a length-delimited field, into one pooled buffer of
 * exactly the right size: no {@link Decision} is built, parsed or re-encoded on the event loop.
 *
 * <p>The bytes equal protobuf's encoding of the same message objects when each decision's bytes are canonical
 * protobuf (fields in number order, proto3 defaults left out), which the ledger core's decision encoder guarantees
 * ({@code DecideIntoPropertyTest} in the core) and {@code Decision.toByteArray()} gives for the server's own
 * DECISION_PENDING entries; {@code DecisionsFrameTest} compares the two. Other valid bytes still parse to the same
 * message. The frame's shape is the one in {@code ledger.proto}: a change there must change the field numbers below.
 *
 * <p>Thread-safe (stateless).
 */
public final class DecisionsFrame {

    private static final int FRAME_DECISIONS = ServerFrame.DECISIONS_FIELD_NUMBER;
    private static final int DECISIONS_REQUEST_ID = Decisions.REQUEST_ID_FIELD_NUMBER;
    private static final int DECISIONS_DECISIONS = Decisions.DECISIONS_FIELD_NUMBER;

    private DecisionsFrame() {
    }

    /**
     * The whole frame, length prefix included, in a buffer from {@code alloc} that the caller now owns.
     *
     * @param decisions each one {@code Decision}'s encoding, in the frame's order
     */
    public static ByteBuf encode(ByteBufAllocator alloc, long requestId, List<byte[]> decisions) {
        int decisionsSize = requestId == 0 ? 0 : CodedOutputStream.computeUInt64Size(DECISIONS_REQUEST_ID, requestId);
        for (int i = 0; i < decisions.size(); i++) {
            decisionsSize += CodedOutputStream.computeByteArraySize(DECISIONS_DECISIONS, decisions.get(i));
        }
        return FrameBuffer.encode(alloc, FRAME_DECISIONS, decisionsSize, "Decisions", requestId,
                output -> {
                    if (requestId != 0) {
                        output.writeUInt64(DECISIONS_REQUEST_ID, requestId);
                    }
                    for (int i = 0; i < decisions.size(); i++) {
                        output.writeByteArray(DECISIONS_DECISIONS, decisions.get(i));
                    }
                });
    }
}
