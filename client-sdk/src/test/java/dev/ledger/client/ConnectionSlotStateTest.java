package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.proto.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection slot's state on plain objects: a connection on an {@link EmbeddedChannel} reports to it, and its
 * reconnects are scheduled on a second embedded channel's event loop, where the test reads their delay (nothing
 * ever connects). The reconnect count against a real socket: {@code ConnectionSlotTest}.
 */
class ConnectionSlotStateTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long INITIAL_BACKOFF = 3_600_000 * MS;
    private static final Endpoint ENDPOINT = new Endpoint("127.0.0.1", 7070);

    private final ClientSettings settings = new ClientSettings(List.of(ENDPOINT), () -> "", "app", 100, 60_000 * MS,
            60_000 * MS, 0, 10, INITIAL_BACKOFF, 4 * INITIAL_BACKOFF, 1, null, Recorder.NO_LISTENER);
    private final Recorder stats = new Recorder(Recorder.NO_LISTENER);
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final Dispatcher dispatcher = new Dispatcher(loop.eventLoop(), settings, stats);
    private final ConnectionSlot slot = new ConnectionSlot(ENDPOINT, new Bootstrap(), dispatcher, settings, stats);

    ConnectionSlotStateTest() {
        loop.freezeTime(); // reconnect delays are read on a clock that does not move by itself
    }

    @AfterEach
    void finish() {
        loop.finishAndReleaseAll();
    }

    private EmbeddedChannel connection() {
        return new EmbeddedChannel(new Connection(slot, dispatcher, settings));
    }

    private static ServerFrame welcome() {
        return ServerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1).setServerId("s"))
                .build();
    }

    /** The delay of the reconnect the slot has scheduled, or -1 if it has none. */
    private long scheduledReconnectNanos() {
        return loop.runScheduledPendingTasks();
    }

    @Test
    void aSuccessfulHandshakeClearsAnEarlierRefusal() {
        slot.refused(Status.STATUS_UNAUTHENTICATED, "bad token");
        assertThat(slot.refusedStatus()).isEqualTo(Status.STATUS_UNAUTHENTICATED);
        assertThat(slot.refusedReason()).isEqualTo("bad token");
        EmbeddedChannel ch = connection();
        ch.writeInbound(welcome());
        assertThat(slot.refusedStatus()).isNull();
        assertThat(slot.refusedReason()).isNull();
        assertThat(stats.snapshot(0).connectionsOpened()).isEqualTo(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void aConnectionThatEndsIsFollowedByAReconnectAfterTheJitteredInitialBackoff() {
        EmbeddedChannel ch = connection();
        ch.close();
        long delay = scheduledReconnectNanos();
        assertThat(delay).isBetween(INITIAL_BACKOFF / 2, INITIAL_BACKOFF);
        assertThat(dispatcher.lastConnectionProblem()).isEqualTo("connection closed");
        ch.finishAndReleaseAll();
    }

    @Test
    void aClosedSlotNeverReconnects() {
        slot.close();
        EmbeddedChannel ch = connection();
        ch.close();
        assertThat(scheduledReconnectNanos()).isEqualTo(-1);
        ch.finishAndReleaseAll();
    }

    @Test
    void aSlotWithoutAConnectionHasNothingUsable() {
        assertThat(slot.usable()).isNull();
        assertThat(slot.current()).isNull();
        assertThat(slot.endpoint()).isEqualTo(ENDPOINT);
    }

    @Test
    void aConnectionThatHeldForTheMaxBackoffStartsTheBackoffOverAndAShorterOneDoesNot() {
        long held = 4 * INITIAL_BACKOFF;
        assertThat(ConnectionSlot.failuresAfterClose(5, true, held, held)).as("held exactly long enough").isEqualTo(1);
        assertThat(ConnectionSlot.failuresAfterClose(5, true, held - 1, held)).isEqualTo(5);
        assertThat(ConnectionSlot.failuresAfterClose(5, false, held, held)).as("never welcomed").isEqualTo(5);
    }
    @Test
    void eachConnectionThatEndsWithoutHoldingDoublesTheNextReconnectsBackoff() {
        EmbeddedChannel first = connection();
        first.writeInbound(welcome()); // welcomed, then dropped at once: not held
        first.close();
        long firstDelay = scheduledReconnectNanos();
        assertThat(firstDelay).isBetween(INITIAL_BACKOFF / 2, INITIAL_BACKOFF - 1);

        loop.advanceTimeBy(firstDelay, TimeUnit.NANOSECONDS);
        loop.runScheduledPendingTasks(); // the reconnect: a new connection becomes current (it never connects here)
        Connection reconnecting = slot.current();
        assertThat(reconnecting).isNotNull();

        EmbeddedChannel second = connection();
        second.close();
        assertThat(slot.current()).as("an old connection's end leaves the current one alone").isSameAs(reconnecting);
        assertThat(scheduledReconnectNanos()).isBetween(INITIAL_BACKOFF, 2 * INITIAL_BACKOFF - 1);
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void itsLabelIsTheEndpointsHostAndPort() {
        assertThat(slot.endpointLabel()).isEqualTo("127.0.0.1:7070");
        assertThat(new Connection(slot, dispatcher, settings).endpointLabel()).isEqualTo("127.0.0.1:7070");
    }

    @Test
    void aConnectionIsUsableOnlyOnceWelcomed() {
        Connection connection = new Connection(slot, dispatcher, settings);
        slot.attachForTest(connection);
        EmbeddedChannel ch = new EmbeddedChannel(connection);
        assertThat(slot.current()).isSameAs(connection);
        assertThat(slot.usable()).as("handshaking").isNull();
        ch.writeInbound(welcome());
        assertThat(slot.usable()).isSameAs(connection);
        ch.finishAndReleaseAll();
    }

    @Test
    void theEndOfAWelcomedConnectionIsALostConnectionAndAnEarlierEndAFailedConnect() {
        EmbeddedChannel welcomed = connection();
        welcomed.writeInbound(welcome());
        welcomed.close();
        assertThat(stats.snapshot(0).connectionsLost()).isEqualTo(1);
        assertThat(stats.snapshot(0).connectFailures()).isZero();

        EmbeddedChannel never = connection();
        never.close();
        assertThat(stats.snapshot(0).connectionsLost()).isEqualTo(1);
        assertThat(stats.snapshot(0).connectFailures()).isEqualTo(1);
        welcomed.finishAndReleaseAll();
        never.finishAndReleaseAll();
    }

    @Test
    void closingTheSlotClosesItsConnectionAndSchedulesNoReconnect() {
        Connection connection = new Connection(slot, dispatcher, settings);
        slot.attachForTest(connection);
        EmbeddedChannel ch = new EmbeddedChannel(connection);
        ch.writeInbound(welcome());

        slot.close();

        assertThat(ch.isOpen()).isFalse();
        assertThat(dispatcher.lastConnectionProblem()).isEqualTo("client closed");
        assertThat(slot.current()).isNull();
        assertThat(scheduledReconnectNanos()).isEqualTo(-1);
        slot.connect();
        assertThat(slot.current()).as("a closed slot does not connect").isNull();
        ch.finishAndReleaseAll();
    }
}
