package dev.ledger.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import dev.ledger.proto.Status;
import dev.ledger.testkit.support.RawFrameClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The builder path with the server in a child JVM: killServer() is a real crash, and the SDK rides it out. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KillServerTest {

    @RegisterExtension
    static LedgerExtension ledger = LedgerExtension.builder().server(ServerMode.CHILD_JVM).core(false).build();

    @Test
    void anEventSentWhileTheServerIsDeadIsAcceptedByTheNextOne() throws Exception {
        Receipt before = ledger.client().submit(Mutations.snapshot("before-crash"));
        int port = Integer.parseInt(ledger.endpoint().substring(ledger.endpoint().indexOf(':') + 1));

        ledger.killServer();
        assertThat(RawFrameClient.answersHello(port)).as("nothing answers once the process is killed").isFalse();
        CompletableFuture<Receipt> pending = ledger.client().submitAsync(Mutations.snapshot("while-dead"));
        ledger.startServer();

        Receipt after = pending.get(60, TimeUnit.SECONDS);
        assertThat(after.status()).isEqualTo(Status.STATUS_ACCEPTED);
        assertThat(ledger.records().eventIds()).contains(before.eventId(), after.eventId());
    }

    @Test
    void aLedgerWithoutCoreMakesNoDecisions() {
        Receipt r = ledger.client().submit(Mutations.snapshot("no-core"));
        assertThat(ledger.records().eventIds()).contains(r.eventId());
        assertThat(ledger.records().decisions()).isEmpty();
    }
}
