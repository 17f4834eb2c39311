package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The one count of what is in flight, on plain objects: the server's sums follow every connection's share, a
 * closed connection's share leaves them at once, and nothing it reports afterwards counts.
 */
class InFlightTest {

    private final InFlight server = new InFlight();

    @Test
    void theServerSumsFollowEachConnectionsShare() {
        InFlight.Share a = server.share();
        InFlight.Share b = server.share();
        a.taken(5);
        b.taken(3);
        b.taken(2);
        assertThat(server.events()).isEqualTo(10);
        assertThat(server.submits()).isEqualTo(3);

        a.answered(5, true);
        b.answered(1, false); // an awaited Submit: its rejected event leaves the window, the Submit stays
        assertThat(a.events()).isZero();
        assertThat(b.events()).isEqualTo(4);
        assertThat(b.submits()).isEqualTo(2);
        assertThat(server.events()).isEqualTo(4);
        assertThat(server.submits()).isEqualTo(2);
    }

    @Test
    void aClosedConnectionsShareLeavesTheSumsAndLateAnswersCountForNothing() {
        InFlight.Share open = server.share();
        InFlight.Share closed = server.share();
        open.taken(1);
        closed.taken(4);
        closed.taken(4);

        closed.release();
        assertThat(server.events()).isEqualTo(1);
        assertThat(server.submits()).isEqualTo(1);

        closed.answered(4, true); // a Kafka answer after the close
        closed.taken(2);
        closed.release();
        assertThat(server.events()).isEqualTo(1);
        assertThat(server.submits()).isEqualTo(1);
        assertThat(closed.events()).isZero();
    }
}
