package dev.ledger.server.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.ledger.proto.Ack;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;

/**
 * Encodes an Ack frame (the 4-byte length and a {@link ServerFrame} holding an {@link Ack}) straight from an Ack's
 * results as primitives into one pooled buffer of exactly the right size, without building an {@link EventResult}
 * per event. The bytes are the ones protobuf writes for the same message (fields in number order, proto3 defaults
 * left out); {@code AckFrameTest} compares the two. The frame's shape is the one in {@code ledger.proto}: a change
 * there must change the field numbers below.
 *
 * <p>Thread-safe (stateless).
 */
public final class AckFrame {

    private static final int FRAME_ACK = ServerFrame.ACK_FIELD_NUMBER;
    private static final int ACK_REQUEST_ID = Ack.REQUEST_ID_FIELD_NUMBER;
    private static final int ACK_RESULTS = Ack.RESULTS_FIELD_NUMBER;
    private static final int RESULT_EVENT_ID = EventResult.EVENT_ID_FIELD_NUMBER;
    private static final int RESULT_STATUS = EventResult.STATUS_FIELD_NUMBER;
    private static final int RESULT_PARTITION = EventResult.PARTITION_FIELD_NUMBER;
    private static final int RESULT_OFFSET = EventResult.OFFSET_FIELD_NUMBER;
    private static final int RESULT_REASON = EventResult.REASON_FIELD_NUMBER;

    /** An Ack's content, event by event, in the Submit's order. Read on the encoding thread only. */
    public interface Results {
        long requestId();

        int eventCount();

        /** The event's id, never null ({@code ""} when unknown); read only when {@link #eventIdBuffer} is null. */
        String eventId(int index);

        /**
         * The array that holds the event id's UTF-8 bytes at {@link #eventIdOffset} for {@link #eventIdLength} (the
         * event as received), or null to encode {@link #eventId} instead. Copying those bytes spares the UTF-8
         * length scan and encoding of a String per event.
         */
        default byte[] eventIdBuffer(int index) {
            return null;
        }

        default int eventIdOffset(int index) {
            return 0;
        }

        default int eventIdLength(int index) {
            return 0;
        }

        /** The {@code Status} number of the event's result. */
        int statusNumber(int index);

        /** 0 unless ACCEPTED. */
        int partition(int index);

        /** 0 unless ACCEPTED. */
        long offset(int index);

        /** {@code ""} for ACCEPTED, never null. */
        String reason(int index);
    }

    private AckFrame() {
    }

    /** The whole frame, length prefix included, in a buffer from {@code alloc} that the caller now owns. */
    public static ByteBuf encode(ByteBufAllocator alloc, Results results) {
        int count = results.eventCount();
        int[] resultSizes = new int[count];
        long requestId = results.requestId();
        int ackSize = requestId == 0 ? 0 : CodedOutputStream.computeUInt64Size(ACK_REQUEST_ID, requestId);
        for (int i = 0; i < count; i++) {
            int size = resultSize(results, i);
            resultSizes[i] = size;
            ackSize += CodedOutputStream.computeTagSize(ACK_RESULTS) + CodedOutputStream.computeUInt32SizeNoTag(size)
                    + size;
        }
        int size = ackSize;
        return FrameBuffer.encode(alloc, FRAME_ACK, size, "Ack", requestId, output -> {
            if (requestId != 0) {
                output.writeUInt64(ACK_REQUEST_ID, requestId);
            }
            for (int i = 0; i < count; i++) {
                output.writeTag(ACK_RESULTS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                output.writeUInt32NoTag(resultSizes[i]);
                writeResult(output, results, i);
            }
        });
    }

    private static int resultSize(Results r, int i) {
        int size = 0;
        if (r.eventIdBuffer(i) != null) {
            int length = r.eventIdLength(i);
            if (length != 0) {
                size += CodedOutputStream.computeTagSize(RESULT_EVENT_ID) + CodedOutputStream.computeUInt32SizeNoTag(length)
                        + length;
            }
        } else {
            String eventId = r.eventId(i);
            if (!eventId.isEmpty()) {
                size += CodedOutputStream.computeStringSize(RESULT_EVENT_ID, eventId);
            }
        }
        int status = r.statusNumber(i);
        if (status != 0) {
            size += CodedOutputStream.computeEnumSize(RESULT_STATUS, status);
        }
        int partition = r.partition(i);
        if (partition != 0) {
            size += CodedOutputStream.computeInt32Size(RESULT_PARTITION, partition);
        }
        long offset = r.offset(i);
        if (offset != 0) {
            size += CodedOutputStream.computeInt64Size(RESULT_OFFSET, offset);
        }
        String reason = r.reason(i);
        if (!reason.isEmpty()) {
            size += CodedOutputStream.computeStringSize(RESULT_REASON, reason);
        }
        return size;
    }

    private static void writeResult(CodedOutputStream output, Results r, int i) throws IOException {
        byte[] idBuffer = r.eventIdBuffer(i);
        if (idBuffer != null) {
            int length = r.eventIdLength(i);
            if (length != 0) {
                output.writeTag(RESULT_EVENT_ID, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                output.writeUInt32NoTag(length);
                output.write(idBuffer, r.eventIdOffset(i), length);
            }
        } else {
            String eventId = r.eventId(i);
            if (!eventId.isEmpty()) {
                output.writeString(RESULT_EVENT_ID, eventId);
            }
        }
        int status = r.statusNumber(i);
        if (status != 0) {
            output.writeEnum(RESULT_STATUS, status);
        }
        int partition = r.partition(i);
        if (partition != 0) {
            output.writeInt32(RESULT_PARTITION, partition);
        }
        long offset = r.offset(i);
        if (offset != 0) {
            output.writeInt64(RESULT_OFFSET, offset);
        }
        String reason = r.reason(i);
        if (!reason.isEmpty()) {
            output.writeString(RESULT_REASON, reason);
        }
    }
}
