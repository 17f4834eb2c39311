package dev.ledger.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.client.LedgerClient;
import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import dev.ledger.proto.Status;
import dev.ledger.testkit.support.RawFrameClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The annotation path: one ledger for the class, everything the extension injects, reset, Kafka down and up. */
@LedgerTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerExtensionTest {

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    @Test
    void injectsAReadyClientAndTheAddresses(LedgerClient client, Ledger ledger, @LedgerEndpoint String endpoint,
            @BootstrapServers String bootstrap) {
        assertThat(endpoint).startsWith("127.0.0.1:").isEqualTo(ledger.endpoint());
        assertThat(bootstrap).isEqualTo(ledger.bootstrapServers());
        assertThat(ledger.kafkaMode()).isEqualTo(KafkaMode.EMBEDDED);
        assertThat(client).isSameAs(ledger.client());
        int port = Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1));
        assertThat(RawFrameClient.answersHello(port)).as("a server answers on " + endpoint).isTrue();

        Receipt r = client.submit(Mutations.createAccount(id("acct"), "EUR", "A", AccountGroup.ACCOUNT_GROUP_CUSTOMER));
        assertThat(r.status()).isEqualTo(Status.STATUS_ACCEPTED);
    }

    @Test
    void recordsShowTheStoredEventAndTheCoresDecisions(LedgerClient client, LedgerRecords records) {
        String payer = id("payer");
        String payee = id("payee");
        String bank = id("bank");
        List<Receipt> opened = client.submit(List.of(
                Mutations.createAccount(bank, "EUR", "Bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT),
                Mutations.createAccount(payer, "EUR", "Payer", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                Mutations.createAccount(payee, "EUR", "Payee", AccountGroup.ACCOUNT_GROUP_CUSTOMER)));
        // Accounts are keyed to their own partitions: let the core open them before money moves.
        records.awaitDecisions(opened.stream().map(Receipt::eventId).toArray(String[]::new));
        Receipt topUp = client.submit(Mutations.topUp(payer, bank, 5_000, "EUR"));
        Receipt tooMuch = client.submit(Mutations.transfer(payer, payee, 9_000, 0, "", 0, "", "EUR"));
        Receipt ok = client.submit(Mutations.transfer(payer, payee, 2_000, 0, "", 0, "", "EUR"));

        assertThat(records.eventIds()).contains(topUp.eventId(), tooMuch.eventId(), ok.eventId());
        List<Decision> d = records.awaitDecisions(List.of(topUp.eventId(), tooMuch.eventId(), ok.eventId()),
                Duration.ofSeconds(30));
        assertThat(d.get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(d.get(1).getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
        assertThat(d.get(1).getReasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
        assertThat(d.get(2).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(records.balance(payer)).hasValue(3_000);
        assertThat(records.balance(payee)).hasValue(2_000);
    }

    @Test
    void resetMovesToFreshEmptyTopics(Ledger ledger) {
        Receipt before = ledger.client().submit(Mutations.snapshot("before-reset"));
        String oldTopic = ledger.mutationsTopic();
        assertThat(ledger.records().eventIds()).contains(before.eventId());

        ledger.reset();

        assertThat(ledger.mutationsTopic()).isNotEqualTo(oldTopic);
        assertThat(ledger.records().eventIds()).isEmpty();
        Receipt after = ledger.client().submit(
                Mutations.createAccount(id("fresh"), "EUR", "Fresh", AccountGroup.ACCOUNT_GROUP_CUSTOMER));
        assertThat(ledger.records().eventIds()).containsExactly(after.eventId());
        assertThat(ledger.records().awaitDecision(after.eventId()).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
    }

    @Test
    void anEventSentWhileKafkaIsDownIsAcceptedOnceItIsBack(Ledger ledger) throws Exception {
        ledger.stopKafka();
        CompletableFuture<Receipt> pending;
        try {
            pending = ledger.client().submitAsync(Mutations.snapshot("during-outage"));
            Thread.sleep(1_000);
            assertThat(pending).as("no ACCEPTED while the broker is down").isNotDone();
        } finally {
            ledger.startKafka();
        }
        Receipt r = pending.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(Status.STATUS_ACCEPTED);
        assertThat(ledger.records().eventIds()).contains(r.eventId());
    }

    @Test
    void anEventSentAcrossAServerRestartIsAccepted(Ledger ledger) {
        Receipt before = ledger.client().submit(Mutations.snapshot("before-restart"));
        ledger.restartServer();
        Receipt after = ledger.client().submit(Mutations.snapshot("after-restart"));
        assertThat(after.status()).isEqualTo(Status.STATUS_ACCEPTED);
        assertThat(ledger.records().eventIds()).contains(before.eventId(), after.eventId());
    }

    @Test
    void killServerNeedsAChildJvmAndSaysSo(Ledger ledger) {
        assertThatThrownBy(ledger::killServer).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ServerMode.CHILD_JVM");
    }
}
