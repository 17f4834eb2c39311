package dev.ledger.core.rules;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;

/** Mutation record values for the rules tests, encoded as the SDK encodes them. */
final class Mutations {

    static final AccountGroup CUSTOMER = AccountGroup.ACCOUNT_GROUP_CUSTOMER;
    static final AccountGroup FEE = AccountGroup.ACCOUNT_GROUP_FEE;
    static final AccountGroup TAX = AccountGroup.ACCOUNT_GROUP_TAX;
    static final AccountGroup SETTLEMENT = AccountGroup.ACCOUNT_GROUP_SETTLEMENT;

    private Mutations() {
    }

    static byte[] create(String eventId, String account, String currency, AccountGroup group, String name) {
        return MutationEvent.newBuilder().setEventId(eventId).setCreateAccount(CreateAccount.newBuilder()
                .setAccountId(account).setCurrency(currency).setGroup(group).setDisplayName(name)).build().toByteArray();
    }

    static byte[] topUp(String eventId, String account, String settlement, long amount, String currency) {
        return MutationEvent.newBuilder().setEventId(eventId).setTopUp(TopUp.newBuilder().setAccountId(account)
                .setSettlementAccountId(settlement).setAmountMinor(amount).setCurrency(currency)).build().toByteArray();
    }

    static byte[] transfer(String eventId, String payer, String payee, long amount, String currency) {
        return transfer(eventId, payer, payee, amount, 0, "", 0, "", currency);
    }

    static byte[] transfer(String eventId, String payer, String payee, long amount, long fee, String feeAccount,
            long tax, String taxAccount, String currency) {
        return MutationEvent.newBuilder().setEventId(eventId).setTransfer(Transfer.newBuilder()
                .setPayerAccountId(payer).setPayeeAccountId(payee).setAmountMinor(amount)
                .setFeeMinor(fee).setFeeAccountId(feeAccount).setTaxMinor(tax).setTaxAccountId(taxAccount)
                .setCurrency(currency)).build().toByteArray();
    }

    static byte[] snapshot(String eventId, String label) {
        return MutationEvent.newBuilder().setEventId(eventId).setSnapshot(Snapshot.newBuilder().setLabel(label))
                .build().toByteArray();
    }
}
