package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reconnect backoff: a connection has to hold before the backoff starts over, so an endpoint that welcomes
 * every connection and drops it at once is retried with a growing backoff, like a dead one.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionSlotTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void onlyAConnectionThatHeldStartsTheBackoffOver() {
        assertThat(ConnectionSlot.failuresAfterClose(7, true, 2_000 * MS, 2_000 * MS)).isEqualTo(1);
        assertThat(ConnectionSlot.failuresAfterClose(0, true, 60_000 * MS, 2_000 * MS)).isEqualTo(1);
        assertThat(ConnectionSlot.failuresAfterClose(7, true, 1_999 * MS, 2_000 * MS)).isEqualTo(7);
        assertThat(ConnectionSlot.failuresAfterClose(7, false, 60_000 * MS, 2_000 * MS)).isEqualTo(7);
    }

    @Test
    void anEndpointThatDropsEveryConnectionAfterWelcomeIsRetriedWithAGrowingBackoff() throws Exception {
        Duration initial = Duration.ofMillis(20);
        Duration max = Duration.ofMillis(200);
        try (StandInServer server = new StandInServer(true)) {
            long start = System.nanoTime();
            try (LedgerClient client = LedgerClient.builder().endpoints(server.endpoint())
                    .retryBackoff(initial, max).build()) {
                Thread.sleep(2_000);
                int connections = server.connections();
                long elapsed = System.nanoTime() - start;
                int bound = new Backoff(initial.toNanos(), max.toNanos()).mostSendsWithin(elapsed);
                System.out.printf("RECONNECT-BOUND connections=%d in %d ms, handshakes=%d, bound=%d%n",
                        connections, elapsed / MS, client.stats().connectionsOpened(), bound);

                assertThat(client.stats().connectionsOpened()).as("handshakes that got a Welcome").isGreaterThan(1);
                assertThat(connections).as("connections within " + elapsed / MS + " ms").isLessThanOrEqualTo(bound);
            }
        }
    }
}
