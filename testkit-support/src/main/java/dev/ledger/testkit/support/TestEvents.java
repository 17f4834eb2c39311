package dev.ledger.testkit.support;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Valid ledger events built straight from the schema, for raw-socket tests (the SDK builds its own through
 * {@code Mutations}). Each has a fresh UUID event id unless one is given; ids may carry a prefix so a verifier can
 * tell whose event it reads back. Valid means the server accepts them; whether the core applies them depends on
 * the accounts that exist.
 *
 * <p>Stateless and thread-safe.
 */
public final class TestEvents {

    private TestEvents() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** A 10.00 USD transfer with a fee between two random {@code acct-N} accounts. */
    public static MutationEvent transfer(String eventId) {
        int payer = ThreadLocalRandom.current().nextInt(1_000);
        return MutationEvent.newBuilder()
                .setEventId(eventId)
                .setTransfer(Transfer.newBuilder()
                        .setPayerAccountId("acct-" + payer)
                        .setPayeeAccountId("acct-" + (payer + 1))
                        .setAmountMinor(1_000)
                        .setFeeMinor(10)
                        .setFeeAccountId("fee")
                        .setCurrency("USD"))
                .build();
    }

    /** {@code count} transfers as {@link #transfer(String)}, ids {@code <idPrefix>-<uuid>}. */
    public static List<MutationEvent> transfers(String idPrefix, int count) {
        List<MutationEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(transfer(idPrefix + "-" + UUID.randomUUID()));
        }
        return events;
    }

    /** A EUR transfer with a fee of 1 to account {@code fees}. */
    public static MutationEvent transfer(String payer, String payee, long amountMinor) {
        return MutationEvent.newBuilder().setEventId(newId()).setTransfer(Transfer.newBuilder()
                .setPayerAccountId(payer).setPayeeAccountId(payee).setAmountMinor(amountMinor)
                .setFeeMinor(1).setFeeAccountId("fees").setCurrency("EUR")).build();
    }

    /** A EUR top-up of {@code account} from account {@code settlement}. */
    public static MutationEvent topUp(String account, long amountMinor) {
        return MutationEvent.newBuilder().setEventId(newId()).setTopUp(TopUp.newBuilder().setAccountId(account)
                .setSettlementAccountId("settlement").setAmountMinor(amountMinor).setCurrency("EUR")).build();
    }

    /** A EUR customer account. */
    public static MutationEvent createAccount(String account) {
        return MutationEvent.newBuilder().setEventId(newId()).setCreateAccount(CreateAccount.newBuilder()
                .setAccountId(account).setCurrency("EUR").setDisplayName("A " + account)
                .setGroup(AccountGroup.ACCOUNT_GROUP_CUSTOMER)).build();
    }

    public static MutationEvent snapshot(String label) {
        return MutationEvent.newBuilder().setEventId(newId()).setSnapshot(Snapshot.newBuilder().setLabel(label)).build();
    }
}
