package dev.ledger.server;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.util.UUID;

/** Valid sample events for tests. */
final class TestEvents {

    private TestEvents() {
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static MutationEvent transfer(String payer, String payee, long amountMinor) {
        return MutationEvent.newBuilder().setEventId(newId()).setTransfer(Transfer.newBuilder()
                .setPayerAccountId(payer).setPayeeAccountId(payee).setAmountMinor(amountMinor)
                .setFeeMinor(1).setFeeAccountId("fees").setCurrency("EUR")).build();
    }

    static MutationEvent topUp(String account, long amountMinor) {
        return MutationEvent.newBuilder().setEventId(newId()).setTopUp(TopUp.newBuilder().setAccountId(account)
                .setSettlementAccountId("settlement").setAmountMinor(amountMinor).setCurrency("EUR")).build();
    }

    static MutationEvent createAccount(String account) {
        return MutationEvent.newBuilder().setEventId(newId()).setCreateAccount(CreateAccount.newBuilder()
                .setAccountId(account).setCurrency("EUR").setDisplayName("A " + account)
                .setGroup(AccountGroup.ACCOUNT_GROUP_CUSTOMER)).build();
    }

    static MutationEvent snapshot(String label) {
        return MutationEvent.newBuilder().setEventId(newId()).setSnapshot(Snapshot.newBuilder().setLabel(label)).build();
    }
}
