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
    private String checkId(String eventId) {
        return validator.validate(MutationEvent.newBuilder().setEventId(eventId).setTransfer(transfer()).build());
    }

    @Test
    void anEventIdOfExactly64BytesPassesAndOf65IsRejected() {
        assertThat(checkId("x".repeat(64))).isNull();
        assertThat(checkId("x".repeat(65))).isEqualTo("event_id must be at most 64 bytes UTF-8: 65");
        String euros = "€".repeat(21); // 63 bytes in 21 chars
        assertThat(checkId(euros + "x")).as("64 bytes in 22 chars").isNull();
        assertThat(checkId(euros + "xy")).isEqualTo("event_id must be at most 64 bytes UTF-8: 65");
        assertThat(checkId("x")).isNull();
    }

    @Test
    void everyAccountIdPassesAt128BytesAndIsRejectedAt129() {
        String ascii128 = "x".repeat(128);
        String ascii129 = "x".repeat(129);
        String twoByte128 = "é".repeat(64); // 64 chars: only its bytes say whether it fits
        String twoByte129 = twoByte128 + "y";
        for (String ok : new String[] {ascii128, twoByte128}) {
            assertThat(check(transfer().setPayerAccountId(ok))).isNull();
            assertThat(check(transfer().setPayeeAccountId(ok))).isNull();
            assertThat(check(transfer().setFeeAccountId(ok))).isNull();
            assertThat(check(transfer().setTaxAccountId(ok))).isNull();
            assertThat(check(topUp().setAccountId(ok))).isNull();
            assertThat(check(topUp().setSettlementAccountId(ok))).isNull();
            assertThat(check(createAccount().setAccountId(ok))).isNull();
        }
        for (String tooLong : new String[] {ascii129, twoByte129}) {
            assertThat(check(transfer().setPayerAccountId(tooLong)))
                    .isEqualTo("transfer.payer_account_id must be at most 128 bytes UTF-8: 129");
            assertThat(check(transfer().setPayeeAccountId(tooLong)))
                    .isEqualTo("transfer.payee_account_id must be at most 128 bytes UTF-8: 129");
            assertThat(check(transfer().setFeeAccountId(tooLong)))
                    .isEqualTo("transfer.fee_account_id must be at most 128 bytes UTF-8: 129");
            assertThat(check(transfer().setTaxAccountId(tooLong)))
                    .isEqualTo("transfer.tax_account_id must be at most 128 bytes UTF-8: 129");
            assertThat(check(topUp().setAccountId(tooLong)))
                    .isEqualTo("top_up.account_id must be at most 128 bytes UTF-8: 129");
            assertThat(check(topUp().setSettlementAccountId(tooLong)))
                    .isEqualTo("top_up.settlement_account_id must be at most 128 bytes UTF-8: 129");
            assertThat(check(createAccount().setAccountId(tooLong)))
                    .isEqualTo("create_account.account_id must be at most 128 bytes UTF-8: 129");
        }
    }

    @Test
    void anAccountIdOfFewCharsButManyBytesIsMeasuredInBytes() {
        String emoji = "\uD83D\uDE00"; // one code point, 2 chars, 4 bytes
        assertThat(check(transfer().setPayerAccountId(emoji.repeat(32)))).as("128 bytes in 64 chars").isNull();
        assertThat(check(transfer().setPayerAccountId(emoji.repeat(33))))
                .isEqualTo("transfer.payer_account_id must be at most 128 bytes UTF-8: 132");
    }

    @Test
    void freeTextPassesAt256BytesAndIsRejectedAt257() {
        assertThat(check(createAccount().setDisplayName("d".repeat(256)))).isNull();
        assertThat(check(createAccount().setDisplayName("d".repeat(257))))
                .isEqualTo("create_account.display_name must be at most 256 bytes UTF-8: 257");
        assertThat(validator.validate(MutationEvent.newBuilder().setEventId("id")
                .setSnapshot(Snapshot.newBuilder().setLabel("l".repeat(256))).build())).isNull();
        assertThat(validator.validate(MutationEvent.newBuilder().setEventId("id")
                .setSnapshot(Snapshot.newBuilder().setLabel("l".repeat(257))).build()))
                .isEqualTo("snapshot.label must be at most 256 bytes UTF-8: 257");
    }

    @Test
    void aCurrencyIsExactlyThreeLettersFromAToZ() {
        for (String ok : new String[] {"AAA", "ZZZ", "AZA", "ZAZ"}) {
            assertThat(check(transfer().setCurrency(ok))).as(ok).isNull();
        }
        for (String bad : new String[] {"EU", "EURO", "@AA", "A@A", "AA@", "[AA", "A[A", "AA[", "A", ""}) {
            assertThat(check(transfer().setCurrency(bad))).as(bad)
                    .isEqualTo("transfer.currency must be three uppercase letters A-Z: \"" + bad + "\"");
        }
        assertThat(check(topUp().setCurrency("EU"))).isEqualTo("top_up.currency must be three uppercase letters A-Z: \"EU\"");
        assertThat(check(createAccount().setCurrency("EURO")))
                .isEqualTo("create_account.currency must be three uppercase letters A-Z: \"EURO\"");
    }

    @Test
    void theSmallestPositiveAmountPasses() {
        assertThat(check(transfer().setAmountMinor(1).setFeeMinor(0).setTaxMinor(0))).isNull();
        assertThat(check(topUp().setAmountMinor(1))).isNull();
        assertThat(check(topUp().setAmountMinor(-1))).isEqualTo("top_up.amount_minor must be > 0: -1");
    }

    @Test
    void feeAndTaxThatExactlyConsumeTheAmountPassAndOneMoreIsRejected() {
        assertThat(check(transfer().setAmountMinor(10).setFeeMinor(7).setTaxMinor(3))).isNull();
        assertThat(check(transfer().setAmountMinor(10).setFeeMinor(8).setTaxMinor(3)))
                .isEqualTo("transfer.fee_minor + transfer.tax_minor must be <= transfer.amount_minor: 8 + 3 > 10");
        assertThat(check(transfer().setAmountMinor(10).setFeeMinor(7).setTaxMinor(4)))
                .isEqualTo("transfer.fee_minor + transfer.tax_minor must be <= transfer.amount_minor: 7 + 4 > 10");
    }

    @Test
    void aZeroFeeOrTaxNeedsNoAccountAndAPositiveOneDoes() {
        assertThat(check(transfer().setFeeMinor(0).clearFeeAccountId())).isNull();
        assertThat(check(transfer().setTaxMinor(0).clearTaxAccountId())).isNull();
        assertThat(check(transfer().setFeeMinor(1).clearFeeAccountId()))
                .isEqualTo("transfer.fee_account_id must be set when transfer.fee_minor > 0: 1");
        assertThat(check(transfer().setTaxMinor(1).clearTaxAccountId()))
                .isEqualTo("transfer.tax_account_id must be set when transfer.tax_minor > 0: 1");
        assertThat(check(transfer().setFeeMinor(-1))).isEqualTo("transfer.fee_minor must be >= 0: -1");
    }

    @Test
    void everyAccountGroupPassesAndValuesOutsideThemAreRejected() {
        for (AccountGroup g : new AccountGroup[] {AccountGroup.ACCOUNT_GROUP_CUSTOMER, AccountGroup.ACCOUNT_GROUP_FEE,
                AccountGroup.ACCOUNT_GROUP_TAX, AccountGroup.ACCOUNT_GROUP_SETTLEMENT}) {
            assertThat(check(createAccount().setGroup(g))).as(g.name()).isNull();
        }
        assertThat(check(createAccount().setGroupValue(AccountGroup.ACCOUNT_GROUP_SETTLEMENT_VALUE + 1)))
                .isEqualTo("create_account.group must be set: 5");
        assertThat(check(createAccount().setGroupValue(-1))).isEqualTo("create_account.group must be set: -1");
        assertThat(check(createAccount().setGroupValue(0))).isEqualTo("create_account.group must be set: 0");
    }

    @Test
    void theFirstBrokenRuleIsTheOneNamed() {
        assertThat(check(transfer().clearPayerAccountId().setAmountMinor(0).setCurrency("x")))
                .isEqualTo("transfer.payer_account_id must be set");
        assertThat(check(transfer().setAmountMinor(0).setFeeMinor(-1).setCurrency("x")))
                .isEqualTo("transfer.amount_minor must be > 0: 0");
        assertThat(check(topUp().clearAccountId().setAmountMinor(0).setCurrency("x")))
                .isEqualTo("top_up.account_id must be set");
        assertThat(check(topUp().setAmountMinor(0).setCurrency("x"))).isEqualTo("top_up.amount_minor must be > 0: 0");
        assertThat(check(createAccount().clearAccountId().setCurrency("x").setGroupValue(0)))
                .isEqualTo("create_account.account_id must be set");
        assertThat(check(createAccount().setCurrency("x").setGroupValue(0)))
                .startsWith("create_account.currency");
        assertThat(check(createAccount().setDisplayName("d".repeat(257)).setGroupValue(0)))
                .startsWith("create_account.display_name");
        assertThat(check(transfer().setPayeeAccountId("a").setAmountMinor(0)))
                .isEqualTo("transfer.payee_account_id must differ from transfer.payer_account_id: a");
        assertThat(check(transfer().setFeeMinor(-1).setTaxMinor(-1))).startsWith("transfer.fee_minor");
        assertThat(check(transfer().setAmountMinor(1).setFeeMinor(5).setCurrency("x")))
                .startsWith("transfer.fee_minor + transfer.tax_minor");
    }
}
