package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrameView;
import dev.ledger.proto.Decisions;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.GoAway;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.Pong;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.proto.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One connection's protocol on an {@link EmbeddedChannel}: the handshake and its timer, the limits a Welcome sets,
 * the in-flight window, Acks routed to the dispatcher, GoAway, Error, and the events handed back when it ends. The
 * dispatcher is a real one; its event loop is a second embedded channel's, so its retries only run when a test
 * says so (they never do here: the backoff is an hour).
 */
class ConnectionTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final long CONNECT_TIMEOUT_NANOS = 60_000 * MS;
    private static final int CLIENT_MAX_IN_FLIGHT = 100;
    private static final Endpoint ENDPOINT = new Endpoint("127.0.0.1", 7070);

    private final ClientSettings settings = new ClientSettings(List.of(ENDPOINT), () -> "token-1", "payments",
            CLIENT_MAX_IN_FLIGHT, 60_000 * MS, CONNECT_TIMEOUT_NANOS, 0, 10, HOUR, HOUR, 1, null, Recorder.NO_LISTENER);
    private final Recorder stats = new Recorder(Recorder.NO_LISTENER);
    private final EmbeddedChannel dispatcherLoop = new EmbeddedChannel();
    private final Dispatcher dispatcher = new Dispatcher(dispatcherLoop.eventLoop(), settings, stats);
    private final ConnectionSlot slot = new ConnectionSlot(ENDPOINT, new Bootstrap(), dispatcher, settings, stats);
    private final Connection connection = new Connection(slot, dispatcher, settings);
    private final EmbeddedChannel channel;

    ConnectionTest() {
        dispatcher.addSlot(slot);
        channel = new EmbeddedChannel(connection);
        channel.freezeTime(); // the handshake timer runs on the channel's clock, advanced by hand
    }

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
        dispatcherLoop.finishAndReleaseAll();
    }

    private static ServerFrame welcome(int maxFrameBytes, int maxEventsPerSubmit, int maxInFlightEvents) {
        return ServerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1).setServerId("s-1")
                .setMaxFrameBytes(maxFrameBytes).setMaxEventsPerSubmit(maxEventsPerSubmit)
                .setMaxInFlightEvents(maxInFlightEvents)).build();
    }

    private static PendingEvent event(String id) {
        // Far beyond the hour of backoff, so a resend is always still in time.
        return new PendingEvent(id, ByteString.copyFromUtf8("bytes of " + id), System.nanoTime() + 100 * HOUR, 1,
                PendingEvent.NO_BOOKKEEPING);
    }

    private static ServerFrame ack(long requestId, Status status, String... eventIds) {
        Ack.Builder ack = Ack.newBuilder().setRequestId(requestId);
        for (String id : eventIds) {
            ack.addResults(EventResult.newBuilder().setEventId(id).setStatus(status).setOffset(42));
        }
        return ServerFrame.newBuilder().setAck(ack).build();
    }

    /** Every frame the connection wrote so far, decoded. */
    private List<ClientFrameView> written() throws Exception {
        List<ClientFrameView> frames = new ArrayList<>();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            try {
                int length = buf.readInt();
                byte[] bytes = new byte[length];
                buf.readBytes(bytes);
                frames.add(ClientFrameView.parseFrom(bytes));
            } finally {
                buf.release();
            }
        }
        return frames;
    }

    private void ready() throws Exception {
        channel.writeInbound(welcome(0, 0, 0));
        written();
    }

    @Test
    void saysHelloWithItsNameAndTokenAsSoonAsItConnects() throws Exception {
        List<ClientFrameView> frames = written();
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).getHello().getProtocolVersion()).isEqualTo(1);
        assertThat(frames.get(0).getHello().getClientName()).isEqualTo("payments");
        assertThat(frames.get(0).getHello().getAuthToken()).isEqualTo("token-1");
        assertThat(connection.state()).isEqualTo(Connection.State.HANDSHAKING);
        assertThat(connection.canTake()).as("nothing goes out before Welcome").isFalse();
    }

    @Test
    void withoutAWelcomeWithinTheConnectTimeoutItCloses() {
        channel.advanceTimeBy(CONNECT_TIMEOUT_NANOS / 2, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(CONNECT_TIMEOUT_NANOS / 2, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(dispatcher.lastConnectionProblem()).contains("no Welcome from 127.0.0.1:7070");
    }

    @Test
    void aWelcomeInTimeStopsTheHandshakeTimer() throws Exception {
        ready();
        channel.advanceTimeBy(CONNECT_TIMEOUT_NANOS * 2, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        assertThat(connection.state()).isEqualTo(Connection.State.READY);
        assertThat(stats.snapshot(0).connectionsOpened()).isEqualTo(1);
    }

    @Test
    void theWelcomesLimitsApplyWithTheInFlightWindowCappedByTheClients() {
        channel.writeInbound(welcome(2048, 5, 3));
        assertThat(connection.maxFrameBytes).isEqualTo(2048);
        assertThat(connection.maxEventsPerSubmit).isEqualTo(5);
        assertThat(connection.maxInFlightEvents).isEqualTo(3);
        assertThat(connection.capacity()).isEqualTo(3);
        assertThat(connection.serverId).isEqualTo("s-1");
    }

    @Test
    void aServerWindowLargerThanTheClientsIsCappedAtTheClients() {
        channel.writeInbound(welcome(2048, 5, CLIENT_MAX_IN_FLIGHT + 1));
        assertThat(connection.maxInFlightEvents).isEqualTo(CLIENT_MAX_IN_FLIGHT);
    }

    @Test
    void limitsTheWelcomeLeavesUnsetKeepTheirDefaults() throws Exception {
        ready();
        assertThat(connection.maxFrameBytes).isEqualTo(Connection.DEFAULT_MAX_FRAME_BYTES);
        assertThat(connection.maxEventsPerSubmit).isEqualTo(Integer.MAX_VALUE);
        assertThat(connection.maxInFlightEvents).isEqualTo(CLIENT_MAX_IN_FLIGHT);
        assertThat(connection.canTake()).isTrue();
    }

    @Test
    void takesSubmitsUntilItsWindowIsExactlyFullAndAgainOnceAnAckFreesIt() throws Exception {
        channel.writeInbound(welcome(0, 0, 3));
        written();
        PendingEvent a = event("a");
        PendingEvent b = event("b");
        PendingEvent c = event("c");
        connection.send(1, List.of(a, b));
        assertThat(connection.canTake()).isTrue();
        assertThat(connection.capacity()).isEqualTo(1);
        connection.send(2, List.of(c));
        assertThat(connection.canTake()).as("3 of 3 in flight").isFalse();
        assertThat(connection.capacity()).isZero();
        connection.flush();
        List<ClientFrameView> submits = written();
        assertThat(submits).extracting(f -> f.getSubmit().getRequestId()).containsExactly(1L, 2L);
        assertThat(submits).extracting(f -> f.getSubmit().getAwaitDecision()).containsOnly(false);

        channel.writeInbound(ack(1, Status.STATUS_ACCEPTED, "a", "b"));

        assertThat(connection.canTake()).isTrue();
        assertThat(connection.capacity()).isEqualTo(2);
        assertThat(a.future.join().offset()).isEqualTo(42);
        assertThat(b.future).isCompleted();
        assertThat(c.future).isNotDone();
        assertThat(stats.snapshot(0).framesAnswered()).isEqualTo(1);
    }

    @Test
    void takesNothingWhileTheServerDoesNotReadItsSubmits() throws Exception {
        ready();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertThat(connection.canTake()).isFalse();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        assertThat(connection.canTake()).isTrue();
    }

    @Test
    void anAckForARequestItDoesNotHaveIsIgnored() throws Exception {
        ready();
        PendingEvent a = event("a");
        connection.send(1, List.of(a));
        channel.writeInbound(ack(99, Status.STATUS_ACCEPTED, "a"));
        assertThat(a.future).isNotDone();
        assertThat(connection.capacity()).isEqualTo(CLIENT_MAX_IN_FLIGHT - 1);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void goAwayStopsNewSubmitsAndClosesOnceTheLastAckArrives() throws Exception {
        ready();
        PendingEvent a = event("a");
        connection.send(1, List.of(a));
        connection.flush();
        channel.writeInbound(ServerFrame.newBuilder().setGoAway(GoAway.newBuilder().setReason("draining")).build());
        assertThat(connection.state()).isEqualTo(Connection.State.DRAINING);
        assertThat(connection.canTake()).isFalse();
        assertThat(channel.isOpen()).as("an Ack is still due").isTrue();

        channel.writeInbound(ack(1, Status.STATUS_ACCEPTED, "a"));

        assertThat(a.future).isCompleted();
        assertThat(channel.isOpen()).isFalse();
        assertThat(dispatcher.lastConnectionProblem()).contains("going away: draining");
    }

    @Test
    void goAwayWithNothingInFlightClosesAtOnce() throws Exception {
        ready();
        channel.writeInbound(ServerFrame.newBuilder().setGoAway(GoAway.newBuilder().setReason("bye")).build());
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anErrorFrameClosesTheConnectionAndNamesTheError() throws Exception {
        ready();
        channel.writeInbound(ServerFrame.newBuilder().setError(dev.ledger.proto.Error.newBuilder()
                .setCode(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION).setMessage("bad request_id")).build());
        assertThat(channel.isOpen()).isFalse();
        assertThat(dispatcher.lastConnectionProblem()).contains("ERROR_CODE_PROTOCOL_VIOLATION")
                .contains("bad request_id");
        assertThat(slot.refusedStatus()).as("not a refusal a reconnect cannot fix").isNull();
    }

    @Test
    void aRefusedTokenMarksTheEndpointRefusedAndFailsWhatIsHeld() {
        PendingEvent held = event("held");
        dispatcher.enqueue(List.of(held));
        channel.writeInbound(ServerFrame.newBuilder().setError(dev.ledger.proto.Error.newBuilder()
                .setCode(ErrorCode.ERROR_CODE_UNAUTHENTICATED).setMessage("no such token")).build());
        assertThat(slot.refusedStatus()).isEqualTo(Status.STATUS_UNAUTHENTICATED);
        assertThatThrownBy(held.future::join).cause().isInstanceOf(LedgerRejectedException.class)
                .hasMessageContaining("no such token");
    }

    @Test
    void aSecondWelcomeClosesTheConnection() throws Exception {
        ready();
        channel.writeInbound(welcome(0, 0, 0));
        assertThat(channel.isOpen()).isFalse();
        assertThat(dispatcher.lastConnectionProblem()).contains("second Welcome");
    }

    @Test
    void aFrameOfNoKnownKindClosesTheConnection() throws Exception {
        ready();
        channel.writeInbound(ServerFrame.getDefaultInstance());
        assertThat(channel.isOpen()).isFalse();
        assertThat(dispatcher.lastConnectionProblem()).contains("unknown frame");
    }

    @Test
    void aPongChangesNothing() throws Exception {
        ready();
        channel.writeInbound(ServerFrame.newBuilder().setPong(Pong.newBuilder().setNonce(1)).build());
        assertThat(channel.isOpen()).isTrue();
        assertThat(connection.state()).isEqualTo(Connection.State.READY);
    }

    @Test
    void anIdleConnectionPingsOnlyOnceItIsReady() throws Exception {
        written();
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(written()).as("no Ping before Welcome").isEmpty();
        ready();
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        List<ClientFrameView> frames = written();
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).hasPing()).isTrue();
    }

    @Test
    void aDrainingConnectionStillPingsSoTheServerDoesNotIdleItOut() throws Exception {
        ready();
        connection.send(1, List.of(event("a")));
        connection.flush();
        written();
        channel.writeInbound(ServerFrame.newBuilder().setGoAway(GoAway.newBuilder().setReason("bye")).build());
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(written()).extracting(ClientFrameView::hasPing).containsExactly(true);
    }

    @Test
    void whenItEndsEveryUnacknowledgedEventGoesBackToTheDispatcher() throws Exception {
        ready();
        PendingEvent a = event("a");
        PendingEvent b = event("b");
        PendingEvent c = event("c");
        connection.send(1, List.of(a, b));
        connection.send(2, List.of(c));
        channel.writeInbound(ack(2, Status.STATUS_ACCEPTED, "c"));

        channel.close();

        assertThat(connection.state()).isEqualTo(Connection.State.CLOSED);
        assertThat(dispatcher.heldEvents()).as("a and b, waiting to be resent").isEqualTo(2);
        assertThat(stats.snapshot(0).eventsRetried()).isEqualTo(2);
        assertThat(a.lastOutcome).startsWith("sent, then");
        assertThat(connection.capacity()).isEqualTo(CLIENT_MAX_IN_FLIGHT);
        assertThat(slot.current()).isNull();
    }

    @Test
    void aFailureOfTheSocketClosesItAndSaysWhy() throws Exception {
        ready();
        channel.pipeline().fireExceptionCaught(new java.io.IOException("connection reset"));
        assertThat(channel.isOpen()).isFalse();
        assertThat(dispatcher.lastConnectionProblem()).contains("connection to 127.0.0.1:7070 failed")
                .contains("connection reset");
    }

    @Test
    void closeTakesItsReasonAlong() throws Exception {
        ready();
        connection.close("client closed");
        assertThat(channel.isOpen()).isFalse();
        assertThat(dispatcher.lastConnectionProblem()).isEqualTo("client closed");
    }

    @Test
    void takeInFlightHandsOverEverythingAndForgetsIt() throws Exception {
        ready();
        PendingEvent a = event("a");
        PendingEvent b = event("b");
        connection.send(1, List.of(a));
        connection.send(2, List.of(b));
        assertThat(connection.takeInFlight()).containsExactlyInAnyOrder(a, b);
        assertThat(connection.capacity()).isEqualTo(CLIENT_MAX_IN_FLIGHT);
        assertThat(connection.takeInFlight()).isEmpty();
        channel.writeInbound(ack(1, Status.STATUS_ACCEPTED, "a"));
        assertThat(a.future).as("forgotten: its Ack finds nothing").isNotDone();
    }

    // ---------------------------------------------------------------- the authToken supplier

    private EmbeddedChannel connectionWithToken(Supplier<String> token) {
        ClientSettings withToken = new ClientSettings(List.of(ENDPOINT), token, "payments", CLIENT_MAX_IN_FLIGHT,
                60_000 * MS, CONNECT_TIMEOUT_NANOS, 0, 10, HOUR, HOUR, 1, null, Recorder.NO_LISTENER);
        return new EmbeddedChannel(new Connection(slot, dispatcher, withToken));
    }

    @Test
    void aTokenSupplierThatThrowsClosesTheConnectionWithoutAHello() throws Exception {
        EmbeddedChannel ch = connectionWithToken(() -> {
            throw new IllegalStateException("vault sealed");
        });
        assertThat(ch.isOpen()).isFalse();
        Object firstFrame = ch.readOutbound();
        assertThat(firstFrame).as("no Hello").isNull();
        assertThat(dispatcher.lastConnectionProblem()).contains("the authToken supplier failed")
                .contains("vault sealed");
        ch.finishAndReleaseAll();
    }

    @Test
    void aTokenSupplierThatReturnsNullClosesTheConnectionWithoutAHello() throws Exception {
        EmbeddedChannel ch = connectionWithToken(() -> null);
        assertThat(ch.isOpen()).isFalse();
        Object firstFrame = ch.readOutbound();
        assertThat(firstFrame).as("no Hello").isNull();
        assertThat(dispatcher.lastConnectionProblem()).isEqualTo("the authToken supplier returned null");
        ch.finishAndReleaseAll();
    }

    // ---------------------------------------------------------------- TLS failures

    @Test
    void anUntrustedServerCertificateDuringTheHandshakeMarksTheEndpointRefused() {
        PendingEvent held = event("held");
        dispatcher.enqueue(List.of(held));
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
                new SSLHandshakeException("PKIX path building failed")));
        assertThat(channel.isOpen()).isFalse();
        assertThat(slot.refusedStatus()).isEqualTo(Status.STATUS_UNAUTHENTICATED);
        assertThat(dispatcher.lastConnectionProblem()).contains("is not trusted");
        assertThatThrownBy(held.future::join).cause().isInstanceOf(LedgerRejectedException.class)
                .hasMessageContaining("is not trusted");
    }

    @Test
    void aSuccessfulTlsHandshakeChangesNothing() {
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        assertThat(channel.isOpen()).isTrue();
        assertThat(slot.refusedStatus()).isNull();
    }

    @Test
    void aTlsFailureAReconnectMayFixClosesWithoutRefusingTheEndpoint() {
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
                new SSLException("connection closed during handshake")));
        assertThat(channel.isOpen()).isFalse();
        assertThat(slot.refusedStatus()).isNull();
        assertThat(dispatcher.lastConnectionProblem()).contains("TLS handshake with 127.0.0.1:7070 failed");
    }

    @Test
    void aHandshakeFailureThatIsNotTlsIsReportedAsATlsFailureOfTheEndpoint() {
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new IOException("reset")));
        assertThat(channel.isOpen()).isFalse();
        assertThat(slot.refusedStatus()).isNull();
        assertThat(dispatcher.lastConnectionProblem()).startsWith("TLS with 127.0.0.1:7070 failed")
                .contains("reset");
    }

    @Test
    void aRefusedClientCertificateAfterTheHandshakeClosesWithoutRefusingTheEndpoint() throws Exception {
        ready();
        channel.pipeline().fireExceptionCaught(new SSLException("Received fatal alert: bad_certificate"));
        assertThat(channel.isOpen()).isFalse();
        assertThat(dispatcher.lastConnectionProblem()).contains("refused the client certificate");
        assertThat(slot.refusedStatus()).as("only a handshake's failure refuses the endpoint").isNull();
    }

    @Test
    void aRefusedClientCertificateDuringTheHandshakeRefusesTheEndpoint() {
        channel.pipeline().fireExceptionCaught(new SSLException("Received fatal alert: bad_certificate"));
        assertThat(channel.isOpen()).isFalse();
        assertThat(slot.refusedStatus()).isEqualTo(Status.STATUS_UNAUTHENTICATED);
    }

    // ---------------------------------------------------------------- await_decision Submits

    private static ServerFrame welcomeWithDecisions(int maxInFlightEvents, boolean decisions) {
        return ServerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1).setServerId("s-1")
                .setMaxInFlightEvents(maxInFlightEvents).setDecisions(decisions).setDecisionTimeoutMs(1_000)).build();
    }

    private static PendingEvent awaiting(String id) {
        return new PendingEvent(id, ByteString.copyFromUtf8("bytes of " + id), System.nanoTime() + 100 * HOUR, 1,
                PendingEvent.NO_BOOKKEEPING, true);
    }

    private static ServerFrame ack(long requestId, String[] ids, Status... statuses) {
        Ack.Builder ack = Ack.newBuilder().setRequestId(requestId);
        for (int i = 0; i < ids.length; i++) {
            ack.addResults(EventResult.newBuilder().setEventId(ids[i]).setStatus(statuses[i]).setOffset(42));
        }
        return ServerFrame.newBuilder().setAck(ack).build();
    }

    private static ServerFrame decisions(long requestId, String... appliedIds) {
        Decisions.Builder frame = Decisions.newBuilder().setRequestId(requestId);
        for (String id : appliedIds) {
            frame.addDecisions(dev.ledger.proto.Decision.newBuilder().setEventId(id).setOutcome(Outcome.OUTCOME_APPLIED));
        }
        return ServerFrame.newBuilder().setDecisions(frame).build();
    }

    /** Advances the connection's clock past the wait for a Decisions frame (its timeout plus the grace), or short of it. */
    private void waitForDecisions(long moreNanos) {
        channel.advanceTimeBy(TimeUnit.MILLISECONDS.toNanos(1_000 + Connection.DECISIONS_GRACE_MILLIS) + moreNanos,
                TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void acceptedEventsOfAnAwaitDecisionSubmitStayInTheWindowUntilTheirDecisions() throws Exception {
        channel.writeInbound(welcomeWithDecisions(3, true));
        written();
        PendingEvent a = awaiting("a");
        PendingEvent b = awaiting("b");
        PendingEvent c = awaiting("c");
        connection.send(1, List.of(a, b, c));
        connection.flush();
        assertThat(written()).extracting(f -> f.getSubmit().getAwaitDecision()).containsExactly(true);

        channel.writeInbound(ack(1, new String[] {"a", "b", "c"}, Status.STATUS_ACCEPTED, Status.STATUS_ACCEPTED,
                Status.STATUS_INVALID));

        assertThat(connection.capacity()).as("the two accepted still count").isEqualTo(1);
        assertThat(a.decision).isNotDone();
        assertThat(c.decision).isCompletedExceptionally();

        channel.writeInbound(decisions(1, "a", "b"));

        assertThat(connection.capacity()).isEqualTo(3);
        assertThat(a.decision.join().applied()).isTrue();
        assertThat(b.decision).isCompleted();
        assertThat(dispatcher.heldEvents()).as("decided: nothing to resend").isZero();
        assertThat(stats.snapshot(0).eventsRetried()).isZero();

        waitForDecisions(1);
        assertThat(dispatcher.heldEvents()).as("the give-up timer was stopped").isZero();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aDecisionsFrameThatNeverComesFreesTheWindowAndResendsItsEventsAfterTheGrace() throws Exception {
        channel.writeInbound(welcomeWithDecisions(3, true));
        PendingEvent a = awaiting("a");
        connection.send(1, List.of(a));
        channel.writeInbound(ack(1, new String[] {"a"}, Status.STATUS_ACCEPTED));

        waitForDecisions(-1);
        assertThat(connection.capacity()).as("still waiting for the frame").isEqualTo(2);
        assertThat(dispatcher.heldEvents()).isZero();

        waitForDecisions(1);

        assertThat(connection.capacity()).isEqualTo(3);
        assertThat(dispatcher.heldEvents()).as("to be resent").isEqualTo(1);
        assertThat(a.lastOutcome).contains("no Decisions frame from 127.0.0.1:7070 within 3000 ms of the Ack");
        channel.writeInbound(decisions(1, "a"));
        assertThat(a.decision).as("given up on: a late frame finds nothing").isNotDone();
    }

    @Test
    void aDrainingConnectionClosesOnceTheDecisionsItAwaitsArrive() throws Exception {
        channel.writeInbound(welcomeWithDecisions(3, true));
        PendingEvent a = awaiting("a");
        connection.send(1, List.of(a));
        channel.writeInbound(ServerFrame.newBuilder().setGoAway(GoAway.newBuilder().setReason("bye")).build());
        channel.writeInbound(ack(1, new String[] {"a"}, Status.STATUS_ACCEPTED));
        assertThat(channel.isOpen()).as("a Decisions frame is still due").isTrue();

        channel.writeInbound(decisions(1, "a"));

        assertThat(a.decision).isCompleted();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aDrainingConnectionClosesOnceItGivesUpOnTheDecisions() throws Exception {
        channel.writeInbound(welcomeWithDecisions(3, true));
        connection.send(1, List.of(awaiting("a")));
        channel.writeInbound(ServerFrame.newBuilder().setGoAway(GoAway.newBuilder().setReason("bye")).build());
        channel.writeInbound(ack(1, new String[] {"a"}, Status.STATUS_ACCEPTED));
        assertThat(channel.isOpen()).isTrue();

        waitForDecisions(1);

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anAckWithNothingAcceptedAwaitsNoDecisions() throws Exception {
        channel.writeInbound(welcomeWithDecisions(3, true));
        connection.send(1, List.of(awaiting("a")));
        channel.writeInbound(ack(1, new String[] {"a"}, Status.STATUS_UNAVAILABLE));
        assertThat(connection.capacity()).isEqualTo(3);

        channel.writeInbound(ServerFrame.newBuilder().setGoAway(GoAway.newBuilder().setReason("bye")).build());

        assertThat(channel.isOpen()).as("nothing left to wait for").isFalse();
    }

    @Test
    void acceptedEventsFromAServerThatOffersNoDecisionsFailAndFreeTheWindow() throws Exception {
        channel.writeInbound(welcomeWithDecisions(3, false));
        PendingEvent a = awaiting("a");
        PendingEvent b = awaiting("b");
        connection.send(1, List.of(a, b));

        channel.writeInbound(ack(1, new String[] {"a", "b"}, Status.STATUS_ACCEPTED, Status.STATUS_UNAVAILABLE));

        assertThatThrownBy(a.decision::join).cause().isInstanceOf(LedgerRejectedException.class)
                .hasMessageContaining("does not return decisions");
        assertThat(b.decision).as("resent, not failed").isNotDone();
        assertThat(dispatcher.heldEvents()).isEqualTo(1);
        assertThat(connection.capacity()).isEqualTo(3);
    }

    @Test
    void aDecisionsFrameForARequestNotAwaitedIsIgnored() throws Exception {
        channel.writeInbound(welcomeWithDecisions(3, true));
        channel.writeInbound(decisions(9, "x"));
        assertThat(channel.isOpen()).isTrue();
        assertThat(connection.capacity()).isEqualTo(3);
    }

    @Test
    void takeInFlightAlsoHandsOverEventsAwaitingDecisionsAndForgetsThem() throws Exception {
        channel.writeInbound(welcomeWithDecisions(3, true));
        PendingEvent a = awaiting("a");
        connection.send(1, List.of(a));
        channel.writeInbound(ack(1, new String[] {"a"}, Status.STATUS_ACCEPTED));

        assertThat(connection.takeInFlight()).containsExactly(a);
        assertThat(connection.capacity()).isEqualTo(3);

        channel.writeInbound(decisions(1, "a"));
        assertThat(a.decision).as("forgotten: its Decisions frame finds nothing").isNotDone();
        waitForDecisions(1);
        assertThat(dispatcher.heldEvents()).as("and its give-up timer is stopped").isZero();
    }
}
