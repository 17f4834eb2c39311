package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which connection each event is given to: two real {@link Connection}s on {@link EmbeddedChannel}s, welcomed with
 * 4 events per Submit and a window of 6, and a router over their slots. Nothing is written: the test reads what each
 * connection was given.
 */
class KeyRouterTest {

    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final Endpoint ENDPOINT = new Endpoint("127.0.0.1", 7070);

    private final ClientSettings settings = new ClientSettings(List.of(ENDPOINT), () -> "", "router-test", 100, HOUR,
            HOUR, 0, 100, HOUR, HOUR, 2, null, Recorder.NO_LISTENER);
    private final Recorder stats = new Recorder(Recorder.NO_LISTENER);
    private final EmbeddedChannel dispatcherLoop = new EmbeddedChannel();
    private final Dispatcher dispatcher = new Dispatcher(dispatcherLoop.eventLoop(), settings, stats);
    private final List<ConnectionSlot> slots = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final Connection first = welcomed();
    private final Connection second = welcomed();
    private final KeyRouter router = new KeyRouter(slots, settings.maxEventsPerBatch(), settings.connectionsPerEndpoint());
    private final ArrayDeque<PendingEvent> ready = new ArrayDeque<>();

    private Connection welcomed() {
        ConnectionSlot slot = new ConnectionSlot(ENDPOINT, new Bootstrap(), dispatcher, settings, stats);
        Connection connection = new Connection(slot, dispatcher, settings);
        EmbeddedChannel channel = new EmbeddedChannel(connection);
        channel.freezeTime();
        channel.writeInbound(ServerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1)
                .setMaxEventsPerSubmit(4).setMaxInFlightEvents(6)).build());
        channel.releaseOutbound();
        slots.add(slot);
        channels.add(channel);
        return connection;
    }

    @AfterEach
    void finish() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        dispatcherLoop.finishAndReleaseAll();
    }

    private static PendingEvent event(String id, String key) {
        return new PendingEvent(id, key, ByteString.copyFromUtf8(id), System.nanoTime() + HOUR, 1,
                PendingEvent.NO_BOOKKEEPING, false);
    }

    private List<PendingEvent> route(PendingEvent... events) {
        List<PendingEvent> list = List.of(events);
        ready.addAll(list);
        router.route(ready);
        return list;
    }

    /** Event ids given to each connection and not yet written. */
    private Map<Connection, List<String>> given() {
        Map<Connection, List<String>> out = new IdentityHashMap<>();
        for (var it = router.givenQueues(); it.hasNext(); ) {
            var entry = it.next();
            out.put(entry.getKey(), entry.getValue().stream().map(e -> e.eventId).toList());
        }
        return out;
    }

    @Test
    void freeKeysFillOneConnectionForAFullSubmitThenTheNext() {
        route(event("a", "k-a"), event("b", "k-b"), event("c", "k-c"), event("d", "k-d"), event("e", "k-e"));

        assertThat(given().get(first)).containsExactly("a", "b", "c", "d");
        assertThat(given().get(second)).containsExactly("e");
        assertThat(ready).isEmpty();
    }

    @Test
    void aPinnedKeyFollowsItsConnectionAfterTheStickyChoiceMovedOn() {
        route(event("a1", "alice"), event("b", "k-b"), event("c", "k-c"), event("d", "k-d"), event("e", "k-e"));

        route(event("a2", "alice"));

        assertThat(given().get(first)).containsExactly("a1", "b", "c", "d", "a2");
        assertThat(given().get(second)).containsExactly("e");
    }

    @Test
    void aPinnedKeyWaitsForItsConnectionEvenWhenItsWindowIsFull() {
        route(event("a1", "alice"), event("b", "k-b"), event("c", "k-c"), event("d", "k-d"));
        route(event("e", "k-e"), event("f", "k-f"), event("g", "k-g"), event("h", "k-h"));
        route(event("i", "k-i"), event("j", "k-j")); // first's window of 6 is now full

        route(event("a2", "alice"), event("k", "k-k"));

        assertThat(given().get(first)).containsExactly("a1", "b", "c", "d", "i", "j", "a2");
        assertThat(given().get(second)).containsExactly("e", "f", "g", "h", "k");
    }

    @Test
    void aKeyIsFreeToMoveOnceEveryEventOfItIsAnswered() {
        List<PendingEvent> alice = new ArrayList<>(route(event("a1", "alice"), event("a2", "alice")));
        router.answered(alice.get(0));
        alice.addAll(route(event("a3", "alice")));
        assertThat(given().get(first)).as("a2 is still unanswered there").containsExactly("a1", "a2", "a3");

        router.answered(alice.get(1));
        router.answered(alice.get(1)); // a second answer for the same event changes nothing
        router.answered(alice.get(2));
        route(event("b", "k-b"), event("c", "k-c"), event("d", "k-d")); // first now has a full Submit's worth
        route(event("a4", "alice"));

        assertThat(given().get(first)).containsExactly("a1", "a2", "a3", "b", "c", "d");
        assertThat(given().get(second)).as("alice is free and the sticky choice moved on").containsExactly("a4");
    }

    @Test
    void eventsGivenToAConnectionThatClosedGoBackToTheHeadOfTheReadyQueueInOrderAndUnpinned() {
        route(event("a1", "alice"), event("b", "k-b"), event("a2", "alice"));
        PendingEvent waiting = event("z", "k-z");
        ready.add(waiting);

        channels.get(0).close();
        router.reclaimFromClosed(ready);

        assertThat(ready).extracting(e -> e.eventId).containsExactly("a1", "b", "a2", "z");
        assertThat(given()).doesNotContainKey(first);
        router.route(ready);
        assertThat(given().get(second)).as("alice is free again").containsExactly("a1", "b", "a2", "z");
    }

    @Test
    void anEventAnsweredAfterThePinsWereClearedDoesNotFreeItsKeysNewPin() {
        PendingEvent stale = route(event("a1", "alice")).get(0);
        router.clearPins(); // as close() does; a1 still holds its old pin
        route(event("a2", "alice"), event("b", "k-b"), event("c", "k-c")); // first has a full Submit's worth

        router.answered(stale);
        route(event("a3", "alice"));

        assertThat(given().get(first)).containsExactly("a1", "a2", "b", "c", "a3");
        assertThat(given()).as("a2 still pins alice to the first connection").doesNotContainKey(second);
    }
}
