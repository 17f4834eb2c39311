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

/** Static factories for every frame the server sends. Thread-safe (stateless). */
public final class ServerFrames {

    /** The one protocol version this server speaks. */
    public static final int PROTOCOL_VERSION = 1;

    private ServerFrames() {
    }

    public static ServerFrame error(ErrorCode code, String message) {
        return ServerFrame.newBuilder().setError(Error.newBuilder().setCode(code).setMessage(message)).build();
    }

    public static ServerFrame welcome(String serverVersion, String serverId, int maxFrameBytes, int maxEventsPerSubmit,
            int maxInFlightEvents) {
        return ServerFrame.newBuilder().setWelcome(Welcome.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION)
                .setServerVersion(serverVersion)
                .setServerId(serverId)
                .setMaxFrameBytes(maxFrameBytes)
                .setMaxEventsPerSubmit(maxEventsPerSubmit)
                .setMaxInFlightEvents(maxInFlightEvents)).build();
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
