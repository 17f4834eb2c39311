package dev.ledger.examples.payments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import dev.ledger.testkit.LedgerRecords;
import dev.ledger.testkit.LedgerScope;
import dev.ledger.testkit.LedgerTest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The payments service against a real ledger from the testkit; one ledger shared by the example's test classes. */
@LedgerTest(scope = LedgerScope.RUN)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PaymentsServiceTest {

    private PaymentsService payments;
    private String alice;
    private String bob;

    @BeforeEach
    void openWallets(LedgerClient client, LedgerRecords records) {
        String run = UUID.randomUUID().toString();
        payments = new PaymentsService(client, "bank-" + run, "EUR");
        alice = "alice-" + run;
        bob = "bob-" + run;
        // Each account is keyed to its own partition, and the ledger orders decisions per partition only:
        // wait until the accounts exist before money moves, as the service's callers must.
        records.awaitDecisions(payments.openBank().eventId(), payments.openWallet(alice, "Alice").eventId(),
                payments.openWallet(bob, "Bob").eventId());
        records.awaitDecisions(payments.fund(alice, 10_000).eventId());
    }

    @Test
    void aPaymentIsStoredAndApplied(LedgerRecords records) {
        String paymentId = UUID.randomUUID().toString();
        payments.pay(paymentId, alice, bob, 2_500);

        assertThat(records.eventIds()).contains(paymentId);
        assertThat(records.awaitDecision(paymentId).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(records.balance(alice)).hasValue(7_500);
        assertThat(records.balance(bob)).hasValue(2_500);
    }

    @Test
    void aPaymentAboveTheBalanceIsRejectedInsufficientFunds(LedgerRecords records) {
        String paymentId = UUID.randomUUID().toString();
        payments.pay(paymentId, alice, bob, 10_001);

        // The journal holds what the ledger decided (payAndConfirm gets it through the SDK instead).
        Decision decision = records.awaitDecision(paymentId);
        assertThat(decision.getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
        assertThat(decision.getReasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
        assertThat(records.balance(alice)).hasValue(10_000);
    }

    @Test
    void aConfirmedPaymentAboveTheBalanceIsDeclinedAndTheNextOneIsPaid(LedgerRecords records) {
        assertThat(payments.payAndConfirm(UUID.randomUUID().toString(), alice, bob, 10_001))
                .isEqualTo(PaymentsService.PaymentResult.DECLINED_INSUFFICIENT_FUNDS);
        String paid = UUID.randomUUID().toString();
        assertThat(payments.payAndConfirm(paid, alice, bob, 10_000)).isEqualTo(PaymentsService.PaymentResult.PAID);
        assertThat(payments.payAndConfirm(paid, alice, bob, 10_000)).as("a retry gets the original decision")
                .isEqualTo(PaymentsService.PaymentResult.PAID);
        assertThat(records.balance(alice)).hasValue(0);
    }

    @Test
    void payingTwiceWithTheSameIdChargesOnce(LedgerRecords records) {
        String paymentId = UUID.randomUUID().toString();
        payments.pay(paymentId, alice, bob, 1_000);
        payments.pay(paymentId, alice, bob, 1_000); // a retry, e.g. after a timeout
        String later = UUID.randomUUID().toString();
        payments.pay(later, alice, bob, 1); // same payer, same partition: decided after both

        records.awaitDecision(later);
        List<Decision> forThisPayment = records.decisions().stream()
                .filter(d -> d.getEventId().equals(paymentId)).toList();
        assertThat(forThisPayment).hasSize(2);
        assertThat(forThisPayment.get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(forThisPayment.get(1).getDuplicate()).isTrue();
        assertThat(records.balance(alice)).hasValue(10_000 - 1_000 - 1);
    }
}
