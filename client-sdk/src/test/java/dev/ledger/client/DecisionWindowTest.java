package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.Status;
import dev.ledger.proto.Welcome;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Against a minimal in-test server that acknowledges every event ACCEPTED and never sends a Decisions frame: the
 * client keeps accepted, undecided events counted against the server's window (as the server does), and gives up on
 * a Decisions frame overdue past the server's decision timeout by resending.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DecisionWindowTest {

    private static final int WINDOW = 10;

    /** Acknowledges every event ACCEPTED and never sends a Decisions frame. */
    private static StandInServer silentDecider(long decisionTimeoutMs) throws IOException {
        return new StandInServer(false, Welcome.newBuilder().setProtocolVersion(1).setServerId("silent")
                .setMaxFrameBytes(1 << 20).setMaxEventsPerSubmit(1000).setMaxInFlightEvents(WINDOW).setDecisions(true)
                .setDecisionTimeoutMs((int) decisionTimeoutMs).build(), Status.STATUS_ACCEPTED);
    }

    @Test
    void acceptedUndecidedEventsKeepCountingAgainstTheServersWindow() throws Exception {
        try (StandInServer server = silentDecider(60_000);
                LedgerClient client = LedgerClient.builder().endpoints(server.endpoint()).maxInFlightEvents(1000)
                        .requestTimeout(Duration.ofSeconds(4)).build()) {
            for (int i = 0; i < 40; i++) {
                client.submitForDecision(Mutations.topUp("acct-" + i, "bank", 1, "USD"));
            }
            Thread.sleep(1500);
            assertThat(server.events()).as("events sent while none is decided (window %d)", WINDOW)
                    .isEqualTo(WINDOW);
        }
    }

    @Test
    void aDecisionsFrameOverdueFreesTheWindowAndTheEventsAreResent() throws Exception {
        try (StandInServer server = silentDecider(200);
                LedgerClient client = LedgerClient.builder().endpoints(server.endpoint()).maxInFlightEvents(1000)
                        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                        .requestTimeout(Duration.ofSeconds(4)).build()) {
            for (int i = 0; i < WINDOW; i++) {
                client.submitForDecision(Mutations.topUp("acct-" + i, "bank", 1, "USD"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (server.events() <= WINDOW) {
                assertThat(System.nanoTime()).as("resent after 200 ms + the grace").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(client.stats().eventsRetried()).isGreaterThanOrEqualTo(WINDOW);
        }
    }
}
