package dev.ledger.server.codec;

import dev.ledger.proto.Ack;
import dev.ledger.proto.Error;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.GoAway;
import dev.ledger.proto.Pong;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Welcome;
import java.util.List;

/**
 * Static factories for the frames the server sends as objects; the Ack and Decisions frames, sent per Submit, are
 * encoded without objects by {@link AckFrame} and {@link DecisionsFrame}. Thread-safe (stateless).
 */
public final class ServerFrames {

    /** The one protocol version this server speaks. */
    public static final int PROTOCOL_VERSION = 1;

    private ServerFrames() {
    }

    public static ServerFrame error(ErrorCode code, String message) {
        return ServerFrame.newBuilder().setError(Error.newBuilder().setCode(code).setMessage(message)).build();
    }

    /** Welcome with the server's limits; {@code decisionTimeoutMs} > 0 advertises decisions back to the client. */
    public static ServerFrame welcome(String serverVersion, String serverId, int maxFrameBytes, int maxEventsPerSubmit,
            int maxInFlightEvents, long decisionTimeoutMs) {
        return ServerFrame.newBuilder().setWelcome(Welcome.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION)
                .setServerVersion(serverVersion)
                .setServerId(serverId)
                .setMaxFrameBytes(maxFrameBytes)
                .setMaxEventsPerSubmit(maxEventsPerSubmit)
                .setMaxInFlightEvents(maxInFlightEvents)
                .setDecisions(decisionTimeoutMs > 0)
                .setDecisionTimeoutMs((int) Math.min(Integer.MAX_VALUE, Math.max(0, decisionTimeoutMs)))).build();
    }

    public static ServerFrame pong(long nonce) {
        return ServerFrame.newBuilder().setPong(Pong.newBuilder().setNonce(nonce)).build();
    }

    public static ServerFrame goAway(String reason) {
        return ServerFrame.newBuilder().setGoAway(GoAway.newBuilder().setReason(reason)).build();
    }

    public static ServerFrame ack(long requestId, List<EventResult> results) {
        return ServerFrame.newBuilder().setAck(Ack.newBuilder().setRequestId(requestId).addAllResults(results)).build();
    }
}
