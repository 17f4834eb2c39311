package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    private final EventValidator validator = new EventValidator();

    private static Transfer.Builder transfer() {
        return Transfer.newBuilder().setPayerAccountId("a").setPayeeAccountId("b").setAmountMinor(100)
                .setFeeMinor(3).setFeeAccountId("fee").setTaxMinor(2).setTaxAccountId("tax").setCurrency("EUR");
    }

    private static TopUp.Builder topUp() {
        return TopUp.newBuilder().setAccountId("a").setSettlementAccountId("s").setAmountMinor(100).setCurrency("EUR");
    }

    private static CreateAccount.Builder createAccount() {
        return CreateAccount.newBuilder().setAccountId("a").setCurrency("EUR").setGroup(AccountGroup.ACCOUNT_GROUP_FEE);
    }

    private String check(Transfer.Builder t) {
        return validator.validate(MutationEvent.newBuilder().setEventId("id").setTransfer(t).build());
    }

    private String check(TopUp.Builder t) {
        return validator.validate(MutationEvent.newBuilder().setEventId("id").setTopUp(t).build());
    }

    private String check(CreateAccount.Builder c) {
        return validator.validate(MutationEvent.newBuilder().setEventId("id").setCreateAccount(c).build());
    }

    @Test
    void validEventsOfEveryKindPass() {
        assertThat(check(transfer())).isNull();
        assertThat(check(topUp())).isNull();
        assertThat(check(createAccount())).isNull();
        assertThat(validator.validate(MutationEvent.newBuilder().setEventId("id").setSnapshot(Snapshot.getDefaultInstance())
                .build())).isNull();
    }

    @Test
    void missingEventIdNamesEventId() {
        assertThat(validator.validate(MutationEvent.newBuilder().setTransfer(transfer()).build())).startsWith("event_id");
    }

    @Test
    void eventIdLongerThan64BytesIsRejectedCountingUtf8Bytes() {
        String twentyTwoEuros = "€".repeat(22); // 22 chars, 66 bytes
        assertThat(validator.validate(MutationEvent.newBuilder().setEventId(twentyTwoEuros).setTransfer(transfer()).build()))
                .startsWith("event_id").contains("66");
        assertThat(validator.validate(MutationEvent.newBuilder().setEventId("x".repeat(64)).setTransfer(transfer()).build()))
                .isNull();
    }

    @Test
    void eventWithoutBodyIsRejected() {
        assertThat(validator.validate(MutationEvent.newBuilder().setEventId("id").build())).startsWith("body");
    }

    @Test
    void missingAccountIdsAreNamed() {
        assertThat(check(transfer().clearPayerAccountId())).startsWith("transfer.payer_account_id");
        assertThat(check(transfer().clearPayeeAccountId())).startsWith("transfer.payee_account_id");
        assertThat(check(topUp().clearAccountId())).startsWith("top_up.account_id");
        assertThat(check(topUp().clearSettlementAccountId())).startsWith("top_up.settlement_account_id");
        assertThat(check(createAccount().clearAccountId())).startsWith("create_account.account_id");
    }

    @Test
    void overlongAccountIdsAndTextsAreRejectedNamingTheField() {
        String id129 = "x".repeat(EventValidator.MAX_ACCOUNT_ID_BYTES + 1);
        assertThat(check(transfer().setPayerAccountId(id129)))
                .isEqualTo("transfer.payer_account_id must be at most 128 bytes UTF-8: 129");
        assertThat(check(transfer().setFeeAccountId(id129))).startsWith("transfer.fee_account_id must be at most 128");
        assertThat(check(topUp().setSettlementAccountId(id129))).startsWith("top_up.settlement_account_id");
        assertThat(check(createAccount().setDisplayName("é".repeat(129))))
                .isEqualTo("create_account.display_name must be at most 256 bytes UTF-8: 258");
        assertThat(check(createAccount().setAccountId("x".repeat(EventValidator.MAX_ACCOUNT_ID_BYTES)))).isNull();
    }

    @Test
    void nonPositiveAmountsAreRejectedWithTheValue() {
        assertThat(check(transfer().setAmountMinor(-5))).isEqualTo("transfer.amount_minor must be > 0: -5");
        assertThat(check(transfer().setAmountMinor(0).setFeeMinor(0).setTaxMinor(0))).startsWith("transfer.amount_minor");
        assertThat(check(topUp().setAmountMinor(0))).isEqualTo("top_up.amount_minor must be > 0: 0");
    }

    @Test
    void negativeFeeOrTaxIsRejected() {
        assertThat(check(transfer().setFeeMinor(-1))).startsWith("transfer.fee_minor must be >= 0: -1");
        assertThat(check(transfer().setTaxMinor(-1))).startsWith("transfer.tax_minor must be >= 0: -1");
    }

    @Test
    void feeOrTaxWithoutItsAccountIsRejected() {
        assertThat(check(transfer().clearFeeAccountId())).startsWith("transfer.fee_account_id");
        assertThat(check(transfer().clearTaxAccountId())).startsWith("transfer.tax_account_id");
        assertThat(check(transfer().setFeeMinor(0).clearFeeAccountId().setTaxMinor(0).clearTaxAccountId())).isNull();
    }

    @Test
    void feePlusTaxAboveAmountIsRejected() {
        assertThat(check(transfer().setAmountMinor(5).setFeeMinor(3).setTaxMinor(3)))
                .startsWith("transfer.fee_minor + transfer.tax_minor must be <= transfer.amount_minor");
        assertThat(check(transfer().setAmountMinor(6).setFeeMinor(3).setTaxMinor(3))).isNull();
    }

    @Test
    void feePlusTaxThatOverflowsALongIsRejectedNotWrapped() {
        assertThat(check(transfer().setAmountMinor(100).setFeeMinor(Long.MAX_VALUE).setTaxMinor(Long.MAX_VALUE)))
                .startsWith("transfer.fee_minor + transfer.tax_minor");
        assertThat(check(transfer().setAmountMinor(Long.MAX_VALUE).setFeeMinor(Long.MAX_VALUE).setTaxMinor(1)))
                .startsWith("transfer.fee_minor + transfer.tax_minor");
        assertThat(check(transfer().setAmountMinor(Long.MAX_VALUE).setFeeMinor(Long.MAX_VALUE).setTaxMinor(0))).isNull();
    }

    @Test
    void currencyMustBeThreeUppercaseAsciiLetters() {
        assertThat(check(transfer().setCurrency("eur"))).startsWith("transfer.currency");
        assertThat(check(transfer().setCurrency("EURO"))).startsWith("transfer.currency");
        assertThat(check(transfer().setCurrency("ÄUR"))).startsWith("transfer.currency");
        assertThat(check(topUp().setCurrency(""))).startsWith("top_up.currency");
        assertThat(check(createAccount().setCurrency("E1R"))).startsWith("create_account.currency");
    }

    @Test
    void payerEqualToPayeeIsRejected() {
        assertThat(check(transfer().setPayeeAccountId("a"))).startsWith("transfer.payee_account_id must differ");
    }

    @Test
    void createAccountWithoutGroupIsRejected() {
        assertThat(check(createAccount().setGroup(AccountGroup.ACCOUNT_GROUP_UNSPECIFIED)))
                .startsWith("create_account.group");
        assertThat(check(createAccount().setGroupValue(99))).startsWith("create_account.group");
    }
}
