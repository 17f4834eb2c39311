package dev.ledger.examples.payments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.Receipt;
import dev.ledger.proto.Outcome;
import dev.ledger.testkit.LedgerExtension;
import dev.ledger.testkit.LedgerScope;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The payments service keeps paying while the ledger's server restarts under it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PaymentsResilienceTest {

    @RegisterExtension
    static LedgerExtension ledger = LedgerExtension.builder().scope(LedgerScope.RUN).build();

    @Test
    void paymentsSurviveAServerRestart() throws Exception {
        String run = UUID.randomUUID().toString();
        PaymentsService payments = new PaymentsService(ledger.client(), "bank-" + run, "EUR");
        String alice = "alice-" + run;
        String bob = "bob-" + run;
        ledger.records().awaitDecisions(payments.openBank().eventId(), payments.openWallet(alice, "Alice").eventId(),
                payments.openWallet(bob, "Bob").eventId());
        ledger.records().awaitDecisions(payments.fund(alice, 100_000).eventId());

        List<String> ids = new ArrayList<>();
        List<CompletableFuture<Receipt>> inFlight = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            inFlight.add(CompletableFuture.supplyAsync(() -> payments.pay(id, alice, bob, 100)));
            if (i == 10) {
                ledger.restartServer();
            }
        }
        for (CompletableFuture<Receipt> f : inFlight) {
            f.get(60, TimeUnit.SECONDS);
        }

        assertThat(ledger.records().eventIds()).containsAll(ids);
        assertThat(ledger.records().awaitDecisions(ids, java.time.Duration.ofSeconds(30)))
                .allMatch(d -> d.getOutcome() == Outcome.OUTCOME_APPLIED);
        assertThat(ledger.records().balance(alice)).hasValue(100_000 - 20 * 100);
    }
}
