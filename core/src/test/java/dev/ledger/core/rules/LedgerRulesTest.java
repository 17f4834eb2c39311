package dev.ledger.core.rules;

import static dev.ledger.core.rules.Mutations.CUSTOMER;
import static dev.ledger.core.rules.Mutations.FEE;
import static dev.ledger.core.rules.Mutations.SETTLEMENT;
import static dev.ledger.core.rules.Mutations.TAX;
import static dev.ledger.core.rules.Mutations.create;
import static dev.ledger.core.rules.Mutations.snapshot;
import static dev.ledger.core.rules.Mutations.topUp;
import static dev.ledger.core.rules.Mutations.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.AccountOpened;
import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case per rule and per reason code of {@link Ledger#decide}, on a small ledger: EUR customers alice (1000) and
 * bob (0), fee, tax and settlement bank; USD customer carol, fee feeUsd, tax taxUsd and settlement bankUsd.
 */
class LedgerRulesTest {

    private static final long MAX = Long.MAX_VALUE;

    private Ledger ledger;
    private long offset;

    @BeforeEach
    void openAccounts() {
        ledger = new Ledger();
        for (byte[] value : setup()) {
            assertThat(decide(value).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        }
    }

    private static List<byte[]> setup() {
        return List.of(
                create("setup-1", "alice", "EUR", CUSTOMER, "Alice"),
                create("setup-2", "bob", "EUR", CUSTOMER, "Bob"),
                create("setup-3", "fee", "EUR", FEE, "Fees"),
                create("setup-4", "tax", "EUR", TAX, "Tax"),
                create("setup-5", "bank", "EUR", SETTLEMENT, "Bank"),
                create("setup-6", "carol", "USD", CUSTOMER, "Carol"),
                create("setup-7", "feeUsd", "USD", FEE, "Fees USD"),
                create("setup-8", "taxUsd", "USD", TAX, "Tax USD"),
                create("setup-9", "bankUsd", "USD", SETTLEMENT, "Bank USD"),
                topUp("setup-10", "alice", "bank", 1000, "EUR"));
    }

    private Decision decide(byte[] value) {
        return ledger.decide(value, 3, offset++);
    }

    private long balance(String account) {
        return ledger.account(account).balanceMinor();
    }

    private static Map<String, Long> balances(Decision d) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (AccountBalance b : d.getBalancesList()) {
            assertThat(m.put(b.getAccountId(), b.getBalanceMinor())).as("account listed twice").isNull();
        }
        return m;
    }

    // ------------------------------------------------------------------------------------------- rejections

    static Stream<Arguments> rejections() {
        return Stream.of(
                arguments("create: existing id, other currency", create("r", "alice", "USD", CUSTOMER, "Alice"),
                        ReasonCode.REASON_ACCOUNT_EXISTS, List.of("alice", "EUR")),
                arguments("create: existing id, other group", create("r", "alice", "EUR", FEE, "Alice"),
                        ReasonCode.REASON_ACCOUNT_EXISTS, List.of("alice")),
                arguments("create: existing id, other display name", create("r", "alice", "EUR", CUSTOMER, "Al"),
                        ReasonCode.REASON_ACCOUNT_EXISTS, List.of("alice")),
                arguments("top_up: unknown account", topUp("r", "ghost", "bank", 5, "EUR"),
                        ReasonCode.REASON_ACCOUNT_NOT_FOUND, List.of("top_up.account_id", "ghost")),
                arguments("top_up: unknown settlement", topUp("r", "alice", "nobank", 5, "EUR"),
                        ReasonCode.REASON_ACCOUNT_NOT_FOUND, List.of("top_up.settlement_account_id", "nobank")),
                arguments("top_up: settlement is a customer", topUp("r", "alice", "bob", 5, "EUR"),
                        ReasonCode.REASON_NOT_SETTLEMENT_ACCOUNT, List.of("bob", "ACCOUNT_GROUP_CUSTOMER")),
                arguments("top_up: settlement is a fee account", topUp("r", "alice", "fee", 5, "EUR"),
                        ReasonCode.REASON_NOT_SETTLEMENT_ACCOUNT, List.of("fee")),
                arguments("top_up: account in another currency", topUp("r", "carol", "bank", 5, "EUR"),
                        ReasonCode.REASON_CURRENCY_MISMATCH, List.of("carol", "USD")),
                arguments("top_up: settlement in another currency", topUp("r", "alice", "bankUsd", 5, "EUR"),
                        ReasonCode.REASON_CURRENCY_MISMATCH, List.of("bankUsd")),
                arguments("top_up: both in another currency", topUp("r", "alice", "bank", 5, "USD"),
                        ReasonCode.REASON_CURRENCY_MISMATCH, List.of("alice")),
                arguments("transfer: unknown payer", transfer("r", "ghost", "bob", 5, 1, "fee", 1, "tax", "EUR"),
                        ReasonCode.REASON_ACCOUNT_NOT_FOUND, List.of("payer", "ghost")),
                arguments("transfer: unknown payee", transfer("r", "alice", "ghost", 5, 1, "fee", 1, "tax", "EUR"),
                        ReasonCode.REASON_ACCOUNT_NOT_FOUND, List.of("payee", "ghost")),
                arguments("transfer: unknown fee account", transfer("r", "alice", "bob", 5, 1, "ghost", 1, "tax", "EUR"),
                        ReasonCode.REASON_ACCOUNT_NOT_FOUND, List.of("fee_account_id", "ghost")),
                arguments("transfer: unknown tax account", transfer("r", "alice", "bob", 5, 1, "fee", 1, "ghost", "EUR"),
                        ReasonCode.REASON_ACCOUNT_NOT_FOUND, List.of("tax_account_id", "ghost")),
                arguments("transfer: payer in another currency", transfer("r", "carol", "bob", 5, "EUR"),
                        ReasonCode.REASON_CURRENCY_MISMATCH, List.of("carol", "USD")),
                arguments("transfer: payee in another currency", transfer("r", "alice", "carol", 5, "EUR"),
                        ReasonCode.REASON_CURRENCY_MISMATCH, List.of("carol", "USD")),
                arguments("transfer: fee account in another currency",
                        transfer("r", "alice", "bob", 5, 1, "feeUsd", 1, "tax", "EUR"),
                        ReasonCode.REASON_CURRENCY_MISMATCH, List.of("feeUsd")),
                arguments("transfer: tax account in another currency",
                        transfer("r", "alice", "bob", 5, 1, "fee", 1, "taxUsd", "EUR"),
                        ReasonCode.REASON_CURRENCY_MISMATCH, List.of("taxUsd")),
                arguments("transfer: all accounts in another currency", transfer("r", "alice", "bob", 5, "USD"),
                        ReasonCode.REASON_CURRENCY_MISMATCH, List.of("alice", "USD")),
                arguments("transfer: customer payer short by one", transfer("r", "alice", "bob", 1001, "EUR"),
                        ReasonCode.REASON_INSUFFICIENT_FUNDS, List.of("alice", "1000", "1001")),
                arguments("transfer: empty customer payer", transfer("r", "bob", "alice", 1, "EUR"),
                        ReasonCode.REASON_INSUFFICIENT_FUNDS, List.of("bob", "holds 0", "is 1")),
                arguments("transfer: fee account payer is not allowed below zero", transfer("r", "fee", "bob", 1, "EUR"),
                        ReasonCode.REASON_INSUFFICIENT_FUNDS, List.of("fee")),
                arguments("transfer: insufficient even though the fee comes back to the payer",
                        transfer("r", "alice", "bob", 1001, 500, "alice", 0, "", "EUR"),
                        ReasonCode.REASON_INSUFFICIENT_FUNDS, List.of("1000", "1001")),
                arguments("transfer: amount 0 (stateless)", transfer("r", "alice", "bob", 0, "EUR"),
                        ReasonCode.REASON_MALFORMED, List.of("amount_minor")),
                arguments("transfer: payer is payee (stateless)", transfer("r", "alice", "alice", 1, "EUR"),
                        ReasonCode.REASON_MALFORMED, List.of("payee_account_id")),
                arguments("transfer: fee + tax above amount (stateless)",
                        transfer("r", "alice", "bob", 5, 3, "fee", 3, "tax", "EUR"),
                        ReasonCode.REASON_MALFORMED, List.of("fee_minor")),
                arguments("top_up: negative amount (stateless)", topUp("r", "alice", "bank", -5, "EUR"),
                        ReasonCode.REASON_MALFORMED, List.of("amount_minor")),
                arguments("create: lower-case currency (stateless)", create("r", "dave", "eur", CUSTOMER, "D"),
                        ReasonCode.REASON_MALFORMED, List.of("currency")),
                arguments("no body (stateless)", MutationEvent.newBuilder().setEventId("r").build().toByteArray(),
                        ReasonCode.REASON_MALFORMED, List.of("body")),
                arguments("missing event id (stateless)", transfer("", "alice", "bob", 5, "EUR"),
                        ReasonCode.REASON_MALFORMED, List.of("event_id")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectionChangesNothingAndNamesTheCause(String name, byte[] value, ReasonCode reason, List<String> mentions) {
        LedgerState before = LedgerState.of(ledger);
        long sequence = ledger.nextSequence();

        Decision d = decide(value);

        assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
        assertThat(d.getReasonCode()).isEqualTo(reason);
        assertThat(d.getReason()).contains(mentions);
        assertThat(d.getDuplicate()).isFalse();
        assertThat(d.getSequence()).isEqualTo(sequence);
        assertThat(d.getMutationPartition()).isEqualTo(3);
        assertThat(d.getMutationOffset()).isEqualTo(offset - 1);
        assertThat(d.getBalancesList()).isEmpty();
        assertThat(d.hasOpened()).isFalse();
        LedgerState after = LedgerState.of(ledger);
        assertThat(after.accounts()).isEqualTo(before.accounts());
        assertThat(after.nextSequence()).isEqualTo(sequence + 1);

        // A well-formed rejection is kept, so its resend repeats it; a MALFORMED one is not kept, so it is re-decided.
        Decision again = decide(value);
        assertThat(again.getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
        assertThat(again.getReasonCode()).isEqualTo(reason);
        if (reason == ReasonCode.REASON_MALFORMED) {
            assertThat(after.ids()).isEqualTo(before.ids());
            assertThat(again.getDuplicate()).isFalse();
            assertThat(d.getBodyHash()).isZero();
        } else {
            assertThat(after.ids()).hasSize(before.ids().size() + 1);
            assertThat(again.getDuplicate()).isTrue();
            assertThat(again.getOriginalSequence()).isEqualTo(sequence);
        }
        assertThat(LedgerState.of(ledger).accounts()).isEqualTo(before.accounts());
    }

    @Test
    void garbageBytesAreMalformedWithAnEmptyEventId() {
        LedgerState before = LedgerState.of(ledger);
        for (byte[] garbage : List.of(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff},
                new byte[] {0x0a, 0x7f, 0x41}, // event_id claims 127 bytes, has 1
                "not a protobuf at all".getBytes(StandardCharsets.UTF_8))) {
            Decision d = decide(garbage);
            assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
            assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_MALFORMED);
            assertThat(d.getEventId()).isEmpty();
            assertThat(d.getReason()).startsWith("value does not parse");
            assertThat(Ledger.keeps(d)).isFalse();
        }
        LedgerState after = LedgerState.of(ledger);
        assertThat(after.accounts()).isEqualTo(before.accounts());
        assertThat(after.ids()).isEqualTo(before.ids());
        assertThat(after.nextSequence()).isEqualTo(before.nextSequence() + 3);
    }

    @Test
    void parseableButInvalidEventIsMalformedAndKeepsItsEventId() {
        Decision d = decide(transfer("evt-0", "alice", "bob", 0, "EUR"));
        assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_MALFORMED);
        assertThat(d.getEventId()).isEqualTo("evt-0");
        assertThat(d.getReason()).isEqualTo("transfer.amount_minor must be > 0: 0");

        // Not kept: the same id with a valid body is decided on its own merits, not as a reuse.
        Decision valid = decide(transfer("evt-0", "alice", "bob", 10, "EUR"));
        assertThat(valid.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(valid.getDuplicate()).isFalse();
    }

    @Test
    void anOversizedRecordGivesASmallMalformedDecisionThatEchoesNeitherItsIdNorItsText() {
        String hugeId = "x".repeat(700_000);
        byte[] hugeIdRecord = transfer(hugeId, "alice", "bob", 10, "EUR");
        byte[] hugeCurrency = transfer("evt-huge-currency", "alice", "bob", 10, "E".repeat(700_000));

        for (byte[] record : List.of(hugeIdRecord, hugeCurrency)) {
            Decision d = decide(record);
            assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_MALFORMED);
            assertThat(d.getReason().length()).isLessThanOrEqualTo(Ledger.MAX_REASON_CHARS);
            assertThat(d.getSerializedSize()).as("journal record size").isLessThan(2048);
        }
        assertThat(decide(hugeIdRecord).getEventId()).isEmpty();
        assertThat(decide(hugeCurrency).getEventId()).isEqualTo("evt-huge-currency");
        assertThat(Ledger.capReason("y".repeat(600))).hasSize(Ledger.MAX_REASON_CHARS).endsWith("...");
    }

    @Test
    void aJournalRecordThatCannotBeFoldedChangesNothing() {
        Ledger follower = new Ledger();
        Decision opens = new Ledger().decide(create("evt-open", "carol", "EUR", CUSTOMER, "Carol"), 0, 0);
        follower.apply(opens);
        LedgerState before = LedgerState.of(follower);
        long next = follower.nextSequence();
        Decision unknownAccount = Decision.newBuilder().setSequence(next).setEventId("evt-x")
                .setOutcome(Outcome.OUTCOME_APPLIED)
                .addBalances(AccountBalance.newBuilder().setAccountId("carol").setBalanceMinor(5))
                .addBalances(AccountBalance.newBuilder().setAccountId("nobody").setBalanceMinor(-5)).build();
        Decision noOutcome = Decision.newBuilder().setSequence(next).setEventId("evt-y").build();

        assertThatThrownBy(() -> follower.apply(unknownAccount)).hasMessageContaining("unknown account nobody");
        assertThatThrownBy(() -> follower.apply(noOutcome)).hasMessageContaining("no outcome");
        assertThat(LedgerState.of(follower)).isEqualTo(before);
        assertThat(follower.nextSequence()).isEqualTo(next);
    }

    // ------------------------------------------------------------------------------------------- create

    @Test
    void createNewAccountOpensItWithBalanceZero() {
        Decision d = decide(create("c-1", "dave", "EUR", CUSTOMER, "Dave"));

        assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_NONE);
        assertThat(d.getOpened()).isEqualTo(AccountOpened.newBuilder().setAccountId("dave").setCurrency("EUR")
                .setGroup(CUSTOMER).setDisplayName("Dave").build());
        assertThat(balances(d)).containsExactly(Map.entry("dave", 0L));
        assertThat(d.getBodyHash()).isNotZero();
        Account dave = ledger.account("dave");
        assertThat(dave.balanceMinor()).isZero();
        assertThat(dave.currency()).isEqualTo("EUR");
        assertThat(dave.group()).isEqualTo(CUSTOMER);
        assertThat(dave.lastSequence()).isEqualTo(d.getSequence());
        assertThat(dave.lastEventId()).isEqualTo("c-1");
    }

    @Test
    void createWithSameAttributesUnderANewEventIdIsAppliedAndChangesNothing() {
        LedgerState before = LedgerState.of(ledger);

        Decision d = decide(create("c-2", "alice", "EUR", CUSTOMER, "Alice"));

        assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(d.getDuplicate()).isFalse();
        assertThat(d.getReason()).contains("already open");
        assertThat(d.hasOpened()).isFalse();
        assertThat(d.getBalancesList()).isEmpty();
        assertThat(LedgerState.of(ledger).accounts()).isEqualTo(before.accounts());
        assertThat(balance("alice")).isEqualTo(1000);
    }

    // ------------------------------------------------------------------------------------------- top-up

    @Test
    void topUpCreditsTheAccountAndDebitsTheSettlementBelowZero() {
        Decision d = decide(topUp("t-1", "bob", "bank", 250, "EUR"));

        assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balances(d)).containsExactly(Map.entry("bob", 250L), Map.entry("bank", -1250L));
        assertThat(balance("bob")).isEqualTo(250);
        assertThat(balance("bank")).isEqualTo(-1250);
        assertThat(ledger.account("bank").lastEventId()).isEqualTo("t-1");
        assertThat(ledger.account("bob").lastSequence()).isEqualTo(d.getSequence());
    }

    @Test
    void topUpOfANonCustomerAccountIsAllowed() {
        assertThat(decide(topUp("t-2", "fee", "bank", 7, "EUR")).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balance("fee")).isEqualTo(7);
    }

    // ------------------------------------------------------------------------------------------- transfer

    @Test
    void transferAppliesEveryLegTogether() {
        Decision d = decide(transfer("x-1", "alice", "bob", 100, 3, "fee", 2, "tax", "EUR"));

        assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balances(d)).containsExactly(Map.entry("alice", 900L), Map.entry("bob", 95L),
                Map.entry("fee", 3L), Map.entry("tax", 2L));
        assertThat(balance("alice")).isEqualTo(900);
        assertThat(balance("bob")).isEqualTo(95);
        assertThat(balance("fee")).isEqualTo(3);
        assertThat(balance("tax")).isEqualTo(2);
        for (String id : List.of("alice", "bob", "fee", "tax")) {
            assertThat(ledger.account(id).lastEventId()).isEqualTo("x-1");
            assertThat(ledger.account(id).lastSequence()).isEqualTo(d.getSequence());
        }
        assertThat(ledger.account("bank").lastEventId()).isEqualTo("setup-10");
    }

    @Test
    void customerPayerMaySpendItsWholeBalance() {
        assertThat(decide(transfer("x-2", "alice", "bob", 1000, "EUR")).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balance("alice")).isZero();
        assertThat(balance("bob")).isEqualTo(1000);
    }

    @Test
    void settlementPayerMayGoBelowZero() {
        assertThat(decide(transfer("x-3", "bank", "bob", 50, "EUR")).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balance("bank")).isEqualTo(-1050);
    }

    @Test
    void unusedFeeAndTaxAccountsAreNotLookedUp() {
        // fee_minor = 0: the fee account id is not a leg, so an unknown or foreign one does not matter.
        Decision d = decide(transfer("x-4", "alice", "bob", 10, 0, "ghost", 0, "taxUsd", "EUR"));
        assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balances(d)).containsOnlyKeys("alice", "bob");
    }

    static Stream<Arguments> aliasedLegs() {
        return Stream.of(
                arguments("fee account is the payee", transfer("a", "alice", "bob", 100, 3, "bob", 2, "tax", "EUR"),
                        Map.of("alice", 900L, "bob", 98L, "tax", 2L)),
                arguments("tax account is the payee", transfer("a", "alice", "bob", 100, 3, "fee", 2, "bob", "EUR"),
                        Map.of("alice", 900L, "bob", 97L, "fee", 3L)),
                arguments("fee and tax account are one", transfer("a", "alice", "bob", 100, 3, "fee", 2, "fee", "EUR"),
                        Map.of("alice", 900L, "bob", 95L, "fee", 5L)),
                arguments("fee and tax both go to the payee",
                        transfer("a", "alice", "bob", 100, 3, "bob", 2, "bob", "EUR"),
                        Map.of("alice", 900L, "bob", 100L)),
                arguments("fee comes back to the payer", transfer("a", "alice", "bob", 100, 10, "alice", 0, "", "EUR"),
                        Map.of("alice", 910L, "bob", 90L)),
                arguments("payer spends everything, fee and tax back to it",
                        transfer("a", "alice", "bob", 1000, 600, "alice", 400, "alice", "EUR"),
                        Map.of("alice", 1000L, "bob", 0L)),
                arguments("the whole amount is fee and tax", transfer("a", "alice", "bob", 10, 6, "fee", 4, "tax", "EUR"),
                        Map.of("alice", 990L, "bob", 0L, "fee", 6L, "tax", 4L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aliasedLegs")
    void legsThatNameOneAccountAreMergedIntoOneBalance(String name, byte[] value, Map<String, Long> expected) {
        Decision d = decide(value);

        assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balances(d)).isEqualTo(expected);
        expected.forEach((account, balance) -> assertThat(balance(account)).as(account).isEqualTo(balance));
        assertThat(sum("EUR")).isZero();
    }

    private long sum(String currency) {
        return ledger.accounts().values().stream().filter(a -> a.currency().equals(currency))
                .mapToLong(Account::balanceMinor).sum();
    }

    // ------------------------------------------------------------------------------------------- overflow

    @Test
    void creditPastLongMaxIsAmountOverflowAndChangesNothing() {
        decide(create("o-1", "bank2", "EUR", SETTLEMENT, "Bank 2"));
        assertThat(decide(topUp("o-2", "bob", "bank2", MAX, "EUR")).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        LedgerState before = LedgerState.of(ledger);

        Decision credit = decide(topUp("o-3", "bob", "bank", 1, "EUR"));
        Decision transfer = decide(transfer("o-4", "alice", "bob", 10, 1, "fee", 1, "tax", "EUR"));

        for (Decision d : List.of(credit, transfer)) {
            assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
            assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_AMOUNT_OVERFLOW);
            assertThat(d.getReason()).contains("bob", Long.toString(MAX));
            assertThat(d.getBalancesList()).isEmpty();
        }
        assertThat(LedgerState.of(ledger).accounts()).isEqualTo(before.accounts());
    }

    @Test
    void overflowOfTheLastLegLeavesTheEarlierLegsUntouched() {
        decide(create("o-1", "bank2", "EUR", SETTLEMENT, "Bank 2"));
        decide(topUp("o-2", "tax", "bank2", MAX, "EUR"));
        LedgerState before = LedgerState.of(ledger);

        Decision d = decide(transfer("o-3", "alice", "bob", 10, 1, "fee", 1, "tax", "EUR"));

        assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_AMOUNT_OVERFLOW);
        assertThat(d.getReason()).contains("tax");
        assertThat(LedgerState.of(ledger).accounts()).isEqualTo(before.accounts());
        assertThat(balance("alice")).isEqualTo(1000);
    }

    @Test
    void settlementDebitPastLongMinIsAmountOverflow() {
        decide(create("o-1", "sink", "EUR", CUSTOMER, "Sink"));
        decide(create("o-2", "bank2", "EUR", SETTLEMENT, "Bank 2"));
        assertThat(decide(topUp("o-3", "sink", "bank2", MAX, "EUR")).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(decide(topUp("o-4", "bob", "bank2", 1, "EUR")).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balance("bank2")).isEqualTo(Long.MIN_VALUE);
        LedgerState before = LedgerState.of(ledger);

        Decision viaTopUp = decide(topUp("o-5", "alice", "bank2", 1, "EUR"));
        Decision viaTransfer = decide(transfer("o-6", "bank2", "alice", 1, "EUR"));

        for (Decision d : List.of(viaTopUp, viaTransfer)) {
            assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_AMOUNT_OVERFLOW);
            assertThat(d.getReason()).contains("bank2");
        }
        assertThat(LedgerState.of(ledger).accounts()).isEqualTo(before.accounts());
    }

    // ------------------------------------------------------------------------------------------- idempotency

    @Test
    void resendOfAnAppliedEventIsADuplicateThatChangesNothing() {
        byte[] value = transfer("d-1", "alice", "bob", 100, 3, "fee", 2, "tax", "EUR");
        Decision original = decide(value);
        LedgerState before = LedgerState.of(ledger);

        Decision resend = decide(value);
        Decision again = decide(value);

        for (Decision d : List.of(resend, again)) {
            assertThat(d.getDuplicate()).isTrue();
            assertThat(d.getEventId()).isEqualTo("d-1");
            assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
            assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_NONE);
            assertThat(d.getOriginalSequence()).isEqualTo(original.getSequence());
            assertThat(d.getBalancesList()).isEmpty();
            assertThat(Ledger.keeps(d)).isFalse();
        }
        assertThat(resend.getSequence()).isEqualTo(original.getSequence() + 1);
        LedgerState after = LedgerState.of(ledger);
        assertThat(after.accounts()).isEqualTo(before.accounts());
        assertThat(after.ids()).isEqualTo(before.ids());
        assertThat(balance("alice")).isEqualTo(900);
    }

    @Test
    void resendOfARejectedEventRepeatsTheRejectionEvenWhenItWouldNowPass() {
        byte[] value = transfer("d-2", "bob", "alice", 50, "EUR");
        Decision original = decide(value);
        assertThat(original.getReasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
        decide(topUp("d-3", "bob", "bank", 500, "EUR"));

        Decision resend = decide(value);

        assertThat(resend.getDuplicate()).isTrue();
        assertThat(resend.getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
        assertThat(resend.getReasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
        assertThat(resend.getReason()).contains("REASON_INSUFFICIENT_FUNDS");
        assertThat(resend.getOriginalSequence()).isEqualTo(original.getSequence());
        assertThat(balance("bob")).isEqualTo(500);
    }

    @Test
    void resendsOfCreateAndSnapshotAreDuplicates() {
        byte[] create = create("d-4", "dave", "EUR", CUSTOMER, "Dave");
        byte[] snapshot = snapshot("d-5", "nightly");
        long createSequence = decide(create).getSequence();
        long snapshotSequence = decide(snapshot).getSequence();

        Decision c = decide(create);
        Decision s = decide(snapshot);

        assertThat(c.getDuplicate()).isTrue();
        assertThat(c.getOriginalSequence()).isEqualTo(createSequence);
        assertThat(c.hasOpened()).isFalse();
        assertThat(s.getDuplicate()).isTrue();
        assertThat(s.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(s.getOriginalSequence()).isEqualTo(snapshotSequence);
    }

    @Test
    void sameIdWithAnotherBodyIsEventIdReusedAndTheOriginalStands() {
        byte[] original = transfer("d-6", "alice", "bob", 100, "EUR");
        Decision first = decide(original);
        LedgerState before = LedgerState.of(ledger);

        Decision otherAmount = decide(transfer("d-6", "alice", "bob", 200, "EUR"));
        Decision otherKind = decide(topUp("d-6", "alice", "bank", 100, "EUR"));

        for (Decision d : List.of(otherAmount, otherKind)) {
            assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
            assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_EVENT_ID_REUSED);
            assertThat(d.getDuplicate()).isFalse();
            assertThat(d.getReason()).contains("d-6", "sequence " + first.getSequence());
            assertThat(d.getBodyHash()).isZero();
            assertThat(Ledger.keeps(d)).isFalse();
        }
        LedgerState after = LedgerState.of(ledger);
        assertThat(after.accounts()).isEqualTo(before.accounts());
        assertThat(after.ids()).isEqualTo(before.ids());

        Decision resend = decide(original);
        assertThat(resend.getDuplicate()).isTrue();
        assertThat(resend.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(resend.getOriginalSequence()).isEqualTo(first.getSequence());
    }

    @Test
    void resendWithTheEventIdEncodedLastIsStillADuplicate() throws Exception {
        byte[] value = transfer("d-7", "alice", "bob", 100, "EUR");
        Decision first = decide(value);
        Transfer body = MutationEvent.parseFrom(value).getTransfer();
        // Same body bytes, event_id written after the body instead of before it.
        byte[] bodyField = MutationEvent.newBuilder().setTransfer(body).build().toByteArray();
        byte[] idField = MutationEvent.newBuilder().setEventId("d-7").build().toByteArray();
        byte[] reordered = new byte[bodyField.length + idField.length];
        System.arraycopy(bodyField, 0, reordered, 0, bodyField.length);
        System.arraycopy(idField, 0, reordered, bodyField.length, idField.length);

        Decision resend = decide(reordered);

        assertThat(resend.getDuplicate()).isTrue();
        assertThat(resend.getOriginalSequence()).isEqualTo(first.getSequence());
    }

    @Test
    void upperCaseSpellingOfAUuidIsAnotherEventId() {
        String id = "0b7e6a1c-3f4d-4e5a-9b8c-7d6e5f4a3b2c";
        decide(transfer(id, "alice", "bob", 100, "EUR"));

        Decision upper = decide(transfer(id.toUpperCase(), "alice", "bob", 100, "EUR"));

        assertThat(upper.getDuplicate()).isFalse();
        assertThat(upper.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balance("bob")).isEqualTo(200);
    }

    @Test
    void uuidsThatDifferOnlyInTheirFirstFourDigitsAreDifferentEventIds() {
        decide(transfer("0000abcd-1111-4222-8333-444455556666", "alice", "bob", 100, "EUR"));

        Decision other = decide(transfer("ffffabcd-1111-4222-8333-444455556666", "alice", "bob", 100, "EUR"));

        assertThat(other.getDuplicate()).isFalse();
        assertThat(other.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(balance("bob")).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------------- stream

    @Test
    void snapshotIsApplied() {
        Decision d = decide(snapshot("s-1", "label"));
        assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(d.getReasonCode()).isEqualTo(ReasonCode.REASON_NONE);
        assertThat(d.getBalancesList()).isEmpty();
    }

    @Test
    void sequencesCountEveryRecordFromZeroWithoutGaps() {
        Ledger fresh = new Ledger();
        List<Long> sequences = new ArrayList<>();
        for (byte[] value : stream()) {
            sequences.add(fresh.decide(value, 0, 0).getSequence());
        }
        assertThat(sequences).isEqualTo(Stream.iterate(0L, s -> s + 1).limit(stream().size()).toList());
        assertThat(fresh.nextSequence()).isEqualTo(stream().size());
    }

    @Test
    void twoFreshLedgersDecideTheSameStreamByteForByte() {
        Ledger a = new Ledger();
        Ledger b = new Ledger();
        List<byte[]> values = stream();
        for (int i = 0; i < values.size(); i++) {
            byte[] da = a.decide(values.get(i), i % 4, i).toByteArray();
            byte[] db = b.decide(values.get(i).clone(), i % 4, i).toByteArray();
            assertThat(db).as("decision %d", i).isEqualTo(da);
        }
        assertThat(LedgerState.of(b)).isEqualTo(LedgerState.of(a));
    }

    @Test
    void foldingTheJournalReproducesTheState() throws Exception {
        Ledger decider = new Ledger();
        Ledger follower = new Ledger();
        for (byte[] value : stream()) {
            follower.apply(Decision.parseFrom(decider.decide(value, 0, 0).toByteArray()));
        }
        assertThat(LedgerState.of(follower)).isEqualTo(LedgerState.of(decider));
    }

    @Test
    void applyRefusesAJournalRecordOutOfOrder() {
        Ledger decider = new Ledger();
        Decision first = decider.decide(create("e-1", "a", "EUR", CUSTOMER, "A"), 0, 0);
        Decision second = decider.decide(create("e-2", "b", "EUR", CUSTOMER, "B"), 0, 1);
        Ledger follower = new Ledger();

        assertThatThrownBy(() -> follower.apply(second)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected sequence 0");
        follower.apply(first);
        assertThatThrownBy(() -> follower.apply(first)).isInstanceOf(IllegalStateException.class);
    }

    /** A stream that touches every rule, including rejections, duplicates, reuses and garbage. */
    private static List<byte[]> stream() {
        List<byte[]> values = new ArrayList<>(setup());
        rejections().forEach(args -> values.add((byte[]) args.get()[1]));
        aliasedLegs().forEach(args -> values.add((byte[]) args.get()[1]));
        values.add(transfer("z-1", "alice", "bob", 100, 3, "fee", 2, "tax", "EUR"));
        values.add(transfer("z-1", "alice", "bob", 100, 3, "fee", 2, "tax", "EUR"));
        values.add(transfer("z-1", "alice", "bob", 101, 3, "fee", 2, "tax", "EUR"));
        values.add(new byte[] {(byte) 0xff, 0x01});
        values.add(snapshot("z-2", ""));
        values.add(topUp("z-3", "carol", "bankUsd", 40, "USD"));
        values.add(transfer("z-4", "carol", "feeUsd", 40, "USD"));
        values.add(create("z-5", "alice", "EUR", CUSTOMER, "Alice"));
        return values.stream().map(v -> Arrays.copyOf(v, v.length)).collect(Collectors.toList());
    }
}
