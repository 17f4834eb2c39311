package dev.ledger.server.codec;

import dev.ledger.proto.ErrorCode;

/**
 * User event fired by the {@link FrameDecoder} when it answers a frame with an Error and closes the connection,
 * so the connection's handler knows how the connection ended (for its metrics and its close log line).
 *
 * @param code the error code sent to the peer
 */
public record FrameRejected(ErrorCode code) {
}
