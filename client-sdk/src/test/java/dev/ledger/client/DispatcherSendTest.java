package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrameView;
import dev.ledger.proto.Decisions;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.proto.SubmitView;
import dev.ledger.proto.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's send path on plain objects: real connections on {@link EmbeddedChannel}s, put into their slots
 * without a socket ({@link ConnectionSlot#attachForTest}), and the dispatcher's event loop a further embedded
 * channel's with its clock frozen, so a resend runs only when a test moves that clock. Every event's bytes are its
 * id, so a test reads which events a Submit carried.
 */
class DispatcherSendTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final Endpoint A = new Endpoint("127.0.0.1", 7001);
    private static final Endpoint B = new Endpoint("127.0.0.1", 7002);
    private static final Endpoint C = new Endpoint("127.0.0.1", 7003);

    private final Recorder stats = new Recorder(Recorder.NO_LISTENER);
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private ClientSettings settings;
    private Dispatcher dispatcher;

    DispatcherSendTest() {
        loop.freezeTime();
        use(100, 10, 10 * MS);
    }

    /** A fresh dispatcher: the client's in-flight bound, events per Submit, and a fixed retry backoff. */
    private void use(int maxInFlightEvents, int maxEventsPerBatch, long backoffNanos) {
        use(maxInFlightEvents, maxEventsPerBatch, backoffNanos, stats);
    }

    private void use(int maxInFlightEvents, int maxEventsPerBatch, long backoffNanos, Recorder recorder) {
        settings = new ClientSettings(List.of(A, B, C), () -> "t", "app", maxInFlightEvents, HOUR, HOUR, 0,
                maxEventsPerBatch, backoffNanos, backoffNanos, 1, null, Recorder.NO_LISTENER);
        dispatcher = new Dispatcher(loop.eventLoop(), settings, recorder);
    }

    @AfterEach
    void finish() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        loop.finishAndReleaseAll();
    }

    private ConnectionSlot slot(Endpoint endpoint) {
        ConnectionSlot slot = new ConnectionSlot(endpoint, new Bootstrap(), dispatcher, settings, stats);
        dispatcher.addSlot(slot);
        return slot;
    }

    /** A connection in {@code slot}, welcomed with these limits (0: unset), its Hello already read. */
    private EmbeddedChannel connected(ConnectionSlot slot, int maxFrameBytes, int maxEventsPerSubmit,
                                      int maxInFlightEvents) {
        EmbeddedChannel ch = handshaking(slot);
        ch.writeInbound(ServerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1)
                .setServerId("s").setMaxFrameBytes(maxFrameBytes).setMaxEventsPerSubmit(maxEventsPerSubmit)
                .setMaxInFlightEvents(maxInFlightEvents)).build());
        return ch;
    }

    private EmbeddedChannel connected(ConnectionSlot slot) {
        return connected(slot, 0, 0, 0);
    }

    /** A connection in {@code slot} that has said Hello and has no Welcome yet. */
    private EmbeddedChannel handshaking(ConnectionSlot slot) {
        Connection connection = new Connection(slot, dispatcher, settings);
        slot.attachForTest(connection);
        EmbeddedChannel ch = new EmbeddedChannel(connection);
        channels.add(ch);
        assertThat(submits(ch)).as("the Hello is not a Submit").isEmpty();
        return ch;
    }

    private static PendingEvent event(String id) {
        return event(id, System.nanoTime() + 100 * HOUR);
    }

    private static PendingEvent event(String id, long deadlineNanos) {
        return new PendingEvent(id, ByteString.copyFromUtf8(id), deadlineNanos, 1, PendingEvent.NO_BOOKKEEPING);
    }

    private static List<PendingEvent> events(String... ids) {
        List<PendingEvent> events = new ArrayList<>();
        for (String id : ids) {
            events.add(event(id));
        }
        return events;
    }

    /** The Submits written and flushed on {@code ch} since the last call, each as "requestId:ids". */
    private static List<String> submits(EmbeddedChannel ch) {
        List<String> submits = new ArrayList<>();
        for (ByteBuf buf = ch.readOutbound(); buf != null; buf = ch.readOutbound()) {
            try {
                byte[] bytes = new byte[buf.readInt()];
                buf.readBytes(bytes);
                ClientFrameView frame = ClientFrameView.parseFrom(bytes);
                if (frame.hasSubmit()) {
                    SubmitView submit = frame.getSubmit();
                    StringBuilder ids = new StringBuilder();
                    for (ByteString e : submit.getEventsList()) {
                        ids.append(ids.length() == 0 ? "" : ",").append(e.toStringUtf8());
                    }
                    submits.add(submit.getRequestId() + ":" + ids);
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            } finally {
                buf.release();
            }
        }
        return submits;
    }

    private void send(List<PendingEvent> events) {
        dispatcher.enqueue(events);
        dispatcher.dispatch();
    }

    private static ServerFrame ack(long requestId, String... ids) {
        Ack.Builder ack = Ack.newBuilder().setRequestId(requestId);
        for (String id : ids) {
            ack.addResults(EventResult.newBuilder().setEventId(id).setStatus(Status.STATUS_ACCEPTED));
        }
        return ServerFrame.newBuilder().setAck(ack).build();
    }

    private static ServerFrame unavailable(long requestId, String id) {
        return ServerFrame.newBuilder().setAck(Ack.newBuilder().setRequestId(requestId).addResults(EventResult
                .newBuilder().setEventId(id).setStatus(Status.STATUS_UNAVAILABLE).setReason("kafka down"))).build();
    }

    /** Runs the resends whose backoff has passed on the dispatcher's frozen clock. */
    private void afterBackoff(long nanos) {
        loop.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        loop.runScheduledPendingTasks();
    }

    @Test
    void aConnectionGivenAFullSubmitsWorthHandsTheNextEventsToTheNextOneWithRequestIdsCountingUp() {
        use(100, 1, 10 * MS); // one event makes a full Submit
        EmbeddedChannel a = connected(slot(A));
        EmbeddedChannel b = connected(slot(B));

        send(events("e1", "e2", "e3", "e4", "e5"));

        List<String> onA = submits(a);
        List<String> onB = submits(b);
        assertThat(onA).extracting(s -> s.substring(s.indexOf(':') + 1)).containsExactly("e1", "e3", "e5");
        assertThat(onB).extracting(s -> s.substring(s.indexOf(':') + 1)).containsExactly("e2", "e4");
        List<String> all = new ArrayList<>(onA);
        all.addAll(onB);
        assertThat(all).extracting(s -> Long.parseLong(s.substring(0, s.indexOf(':'))))
                .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        assertThat(dispatcher.heldEvents()).isZero();
        assertThat(stats.snapshot(0).framesSent()).isEqualTo(5);
        assertThat(stats.snapshot(0).eventsSent()).isEqualTo(5);
        assertThat(dispatcher.slots()).hasSize(2);
    }

    @Test
    void successiveSmallSubmitsStayOnOneConnectionUntilItHadAFullSubmitsWorth() {
        EmbeddedChannel a = connected(slot(A));
        EmbeddedChannel b = connected(slot(B));
        EmbeddedChannel c = connected(slot(C));

        send(events("e1"));
        send(events("e2"));
        send(events("e3"));
        send(events("e4"));

        // Sticky, like Kafka's sticky partitioner: a trickle does not shrink frames by spreading over connections.
        assertThat(submits(a)).containsExactly("1:e1", "2:e2", "3:e3", "4:e4");
        assertThat(submits(b)).isEmpty();
        assertThat(submits(c)).isEmpty();
    }

    @Test
    void aSlotWhoseConnectionCannotTakeASubmitIsSkipped() {
        EmbeddedChannel waiting = handshaking(slot(A));
        slot(B); // no connection at all
        EmbeddedChannel ready = connected(slot(C));

        send(events("e1"));
        send(events("e2"));

        assertThat(submits(ready)).containsExactly("1:e1", "2:e2");
        assertThat(submits(waiting)).isEmpty();
    }

    @Test
    void eventsWaitWhileNoConnectionCanTakeThemAndGoOutWithTheWelcome() {
        EmbeddedChannel ch = handshaking(slot(A));

        send(events("e1", "e2"));
        assertThat(dispatcher.heldEvents()).isEqualTo(2);
        assertThat(stats.snapshot(0).framesSent()).isZero();

        ch.writeInbound(ServerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1)).build());

        assertThat(submits(ch)).containsExactly("1:e1,e2");
        assertThat(dispatcher.heldEvents()).isZero();
    }

    @Test
    void aSubmitHoldsNoMoreThanTheBatchSizeTheServersLimitOrTheRoomLeftAllows() {
        use(100, 3, 10 * MS);
        EmbeddedChannel batchBound = connected(slot(A), 0, 5, 0);
        send(events("a1", "a2", "a3", "a4"));
        assertThat(submits(batchBound)).as("3 a Submit by the client's setting").containsExactly("1:a1,a2,a3", "2:a4");

        use(100, 10, 10 * MS);
        EmbeddedChannel serverBound = connected(slot(A), 0, 2, 0);
        send(events("b1", "b2", "b3"));
        assertThat(submits(serverBound)).as("2 a Submit by the server's Welcome").containsExactly("1:b1,b2", "2:b3");

        use(100, 10, 10 * MS);
        EmbeddedChannel roomBound = connected(slot(A), 0, 5, 4);
        send(events("c1", "c2", "c3"));
        send(events("c4", "c5", "c6"));
        assertThat(submits(roomBound)).as("4 in flight at most").containsExactly("1:c1,c2,c3", "2:c4");
        assertThat(dispatcher.heldEvents()).isEqualTo(2);

        roomBound.writeInbound(ack(1, "c1", "c2", "c3"));
        assertThat(submits(roomBound)).as("the Ack makes room and sends").containsExactly("3:c5,c6");
    }

    @Test
    void anEventTooLargeForTheServersFrameFailsAsInvalidAndTheOthersGoOut() {
        EmbeddedChannel ch = connected(slot(A), 100, 0, 0);
        PendingEvent huge = event("x".repeat(200));
        PendingEvent small = event("small");

        send(List.of(huge, small));

        assertThat(submits(ch)).containsExactly("1:small");
        assertThatThrownBy(huge.future::join).cause().isInstanceOf(LedgerRejectedException.class)
                .hasMessageContaining("event of 200 bytes cannot fit the server's max frame of 100 bytes");
        assertThat(((LedgerRejectedException) huge.future.handle((r, t) -> t).join()).status())
                .isEqualTo(Status.STATUS_INVALID);
    }

    @Test
    void anEventFoundPastItsDeadlineIsFailedAndNeverSent() {
        EmbeddedChannel ch = connected(slot(A));
        PendingEvent late = event("late", System.nanoTime() - MS);

        send(List.of(late));

        assertThat(submits(ch)).isEmpty();
        assertThat(stats.snapshot(0).framesSent()).isZero();
        assertThatThrownBy(late.future::join).cause().isInstanceOf(LedgerTimeoutException.class);
        assertThat(dispatcher.heldEvents()).isZero();
    }

    @Test
    void eachConnectionIsFlushedOnceAPass() {
        use(100, 1, 10 * MS);
        ConnectionSlot slot = slot(A);
        EmbeddedChannel ch = connected(slot);
        int[] flushes = {0};
        ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes[0]++;
                ctx.flush();
            }
        });

        send(events("e1", "e2", "e3"));

        assertThat(submits(ch)).containsExactly("1:e1", "2:e2", "3:e3");
        assertThat(flushes[0]).isEqualTo(1);
    }

    /**
     * A connection that stops being writable after each Submit and becomes writable again when flushed: the
     * writability change calls back into the running pass, which goes round again until the queue is empty.
     */
    @Test
    void aConnectionWritableAgainDuringThePassGetsTheRestInTheSamePass() {
        use(100, 1, 10 * MS);
        EmbeddedChannel ch = connected(slot(A));
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));

        send(events("e1", "e2", "e3"));

        assertThat(submits(ch)).containsExactly("1:e1", "2:e2", "3:e3");
        assertThat(dispatcher.heldEvents()).isZero();
    }

    @Test
    void aResendGoesOutOnceItsBackoffHasPassed() {
        EmbeddedChannel ch = connected(slot(A));
        send(events("e1"));
        assertThat(submits(ch)).containsExactly("1:e1");

        ch.writeInbound(unavailable(1, "e1"));
        assertThat(submits(ch)).as("not before the backoff").isEmpty();

        afterBackoff(10 * MS);

        assertThat(submits(ch)).containsExactly("2:e1");
        assertThat(stats.snapshot(0).eventsRetried()).isEqualTo(1);
        assertThat(dispatcher.heldEvents()).isZero();
    }

    @Test
    void anEventSettledDuringItsBackoffIsNotResent() {
        EmbeddedChannel ch = connected(slot(A));
        PendingEvent e = event("e1");
        send(List.of(e));
        ch.writeInbound(unavailable(1, "e1"));
        submits(ch);

        e.fail(new LedgerClosedException("closed by the test"));
        afterBackoff(10 * MS);

        assertThat(submits(ch)).isEmpty();
        assertThat(dispatcher.heldEvents()).isZero();
    }

    @Test
    void anEventPastItsDeadlineWhenItsBackoffEndsFailsThenAndIsNotResent() throws InterruptedException {
        EmbeddedChannel ch = connected(slot(A));
        long deadline = System.nanoTime() + 200 * MS;
        PendingEvent e = event("e1", deadline);
        send(List.of(e));
        ch.writeInbound(unavailable(1, "e1"));
        submits(ch);
        assertThat(dispatcher.heldEvents()).as("waits in backoff: the deadline is far enough").isEqualTo(1);

        // The dispatcher's clock is frozen; the deadline is on the real one. Let it pass, then run the resend.
        while (System.nanoTime() - deadline <= 0) {
            Thread.sleep(5);
        }
        afterBackoff(10 * MS);

        assertThat(submits(ch)).isEmpty();
        assertThatThrownBy(e.future::join).cause().isInstanceOf(LedgerTimeoutException.class)
                .hasMessageContaining("STATUS_UNAVAILABLE");
        assertThat(dispatcher.heldEvents()).isZero();
    }

    @Test
    void aResendPastItsDeadlineFailsAtOnceEvenWithNoConnectionToTakeIt() throws InterruptedException {
        ConnectionSlot slot = slot(A);
        EmbeddedChannel ch = connected(slot);
        long deadline = System.nanoTime() + 200 * MS;
        PendingEvent e = event("e1", deadline);
        send(List.of(e));
        ch.writeInbound(unavailable(1, "e1"));
        ch.close(); // nothing can take the resend now
        while (System.nanoTime() - deadline <= 0) {
            Thread.sleep(5);
        }

        afterBackoff(10 * MS);

        assertThatThrownBy(e.future::join).cause().isInstanceOf(LedgerTimeoutException.class);
        assertThat(dispatcher.heldEvents()).as("not left waiting for a connection").isZero();
    }

    @Test
    void aConnectionThatBecomesWritableAgainGetsTheEventsThatWaited() {
        EmbeddedChannel ch = connected(slot(A));
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ch.runPendingTasks();
        send(events("e1"));
        assertThat(dispatcher.heldEvents()).isEqualTo(1);

        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        ch.runPendingTasks();

        assertThat(submits(ch)).containsExactly("1:e1");
    }

    @Test
    void aResendThatPushesTheQueuePastTheInFlightBoundPrunesSettledEvents() {
        use(2, 10, 10 * MS);
        PendingEvent resent = event("r");
        dispatcher.onConnectionLost(List.of(resent), "reset"); // no slot: held in backoff
        PendingEvent settled = event("d");
        settled.fail(new LedgerClosedException("settled by the test"));
        dispatcher.enqueue(List.of(settled, event("l")));
        assertThat(dispatcher.heldEvents()).isEqualTo(3);

        afterBackoff(10 * MS);

        assertThat(dispatcher.heldEvents()).as("the settled one is dropped").isEqualTo(2);
        assertThat(dispatcher.takeAll()).extracting(e -> e.eventId).containsExactly("l", "r");
    }

    @Test
    void takeAllAlsoTakesWhatIsInFlightOnTheConnections() {
        EmbeddedChannel ch = connected(slot(A));
        slot(B);
        PendingEvent sent = event("sent");
        send(List.of(sent));
        submits(ch);

        assertThat(dispatcher.takeAll()).containsExactly(sent);
        ch.writeInbound(ack(1, "sent"));
        assertThat(sent.future).as("handed over: its Ack finds nothing").isNotDone();
    }

    // ---------------------------------------------------------------- await_decision: room freed by the Decisions

    private EmbeddedChannel offeringDecisions(ConnectionSlot slot, int maxInFlightEvents) {
        EmbeddedChannel ch = handshaking(slot);
        ch.writeInbound(ServerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1)
                .setMaxInFlightEvents(maxInFlightEvents).setDecisions(true).setDecisionTimeoutMs(1_000)).build());
        return ch;
    }

    private static PendingEvent awaiting(String id) {
        return new PendingEvent(id, ByteString.copyFromUtf8(id), System.nanoTime() + 100 * HOUR, 1,
                PendingEvent.NO_BOOKKEEPING, true);
    }

    @Test
    void aDecisionsFrameThatFreesTheWindowSendsTheEventsWaitingForRoom() {
        EmbeddedChannel ch = offeringDecisions(slot(A), 1);
        PendingEvent a = awaiting("a");
        send(List.of(a, awaiting("b")));
        ch.writeInbound(ack(1, "a"));
        assertThat(submits(ch)).as("a still counts until its decision").containsExactly("1:a");

        ch.writeInbound(ServerFrame.newBuilder().setDecisions(Decisions.newBuilder().setRequestId(1)
                .addDecisions(dev.ledger.proto.Decision.newBuilder().setEventId("a")
                        .setOutcome(Outcome.OUTCOME_APPLIED))).build());

        assertThat(a.decision).isCompleted();
        assertThat(submits(ch)).containsExactly("2:b");
    }

    @Test
    void givingUpOnADecisionsFrameFreesTheWindowAndSendsTheEventsWaitingForRoom() {
        EmbeddedChannel ch = offeringDecisions(slot(A), 1);
        send(List.of(awaiting("a"), awaiting("b")));
        ch.writeInbound(ack(1, "a"));
        assertThat(submits(ch)).containsExactly("1:a");

        ch.advanceTimeBy(1_000 + Connection.DECISIONS_GRACE_MILLIS + 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();

        assertThat(submits(ch)).as("a waits out its backoff; b takes the room").containsExactly("2:b");
        assertThat(dispatcher.heldEvents()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- the listener

    @Test
    void aListenerHearsEachSubmitAndItsRoundTripWithTheEndpoint() {
        List<String> heard = new ArrayList<>();
        long[] roundTrip = {-1};
        Recorder listened = new Recorder(new LedgerClientListener() {
            @Override
            public void submitSent(String endpoint, int events) {
                heard.add("sent " + endpoint + " " + events);
            }

            @Override
            public void submitAnswered(String endpoint, int events, long roundTripNanos) {
                heard.add("answered " + endpoint + " " + events);
                roundTrip[0] = roundTripNanos;
            }
        });
        use(100, 10, 10 * MS, listened);
        EmbeddedChannel ch = connected(slot(A));
        long before = System.nanoTime();

        send(events("e1", "e2"));
        ch.writeInbound(ack(1, "e1", "e2"));

        long most = System.nanoTime() - before;
        assertThat(heard).containsExactly("sent 127.0.0.1:7001 2", "answered 127.0.0.1:7001 2");
        assertThat(roundTrip[0]).as("from the send to the Ack").isBetween(0L, most);
    }
}
