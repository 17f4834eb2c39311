package dev.ledger.client;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;

/**
 * Static factories for the four ledger mutations. Each returns a {@link MutationEvent} with a fresh time-ordered id
 * from {@link EventIds#next()}; the overloads taking an {@code eventId} first are for resubmitting an event the
 * application already tried (same id, so it is not applied twice downstream). Amounts are in minor units (cents).
 *
 * <p>The factories only assemble messages; the server validates them (a bad event completes its future with
 * {@link LedgerRejectedException}). Thread-safe: stateless.
 */
public final class Mutations {

    private Mutations() {
    }

    /** Opens an account; see {@link #createAccount(String, String, String, String, AccountGroup)}. */
    public static MutationEvent createAccount(String accountId, String currency, String displayName,
                                              AccountGroup group) {
        return createAccount(EventIds.next(), accountId, currency, displayName, group);
    }

    /**
     * Opens an account.
     *
     * @param eventId idempotency key, 1..64 bytes
     * @param accountId the new account (also the Kafka key)
     * @param currency ISO-4217 code, e.g. "EUR"
     * @param displayName free text
     * @param group what the account is used for
     * @return the event, ready to submit
     */
    public static MutationEvent createAccount(String eventId, String accountId, String currency, String displayName,
                                              AccountGroup group) {
        return MutationEvent.newBuilder().setEventId(eventId)
                .setCreateAccount(CreateAccount.newBuilder().setAccountId(accountId).setCurrency(currency)
                        .setDisplayName(displayName).setGroup(group))
                .build();
    }

    /** Credits an account from a settlement account; see {@link #topUp(String, String, String, long, String)}. */
    public static MutationEvent topUp(String accountId, String settlementAccountId, long amountMinor, String currency) {
        return topUp(EventIds.next(), accountId, settlementAccountId, amountMinor, currency);
    }

    /**
     * Credits {@code accountId} and debits {@code settlementAccountId}.
     *
     * @param eventId idempotency key, 1..64 bytes
     * @param accountId the credited account (Kafka key)
     * @param settlementAccountId the debited settlement account
     * @param amountMinor amount in minor units, &gt; 0
     * @param currency ISO-4217 code
     * @return the event, ready to submit
     */
    public static MutationEvent topUp(String eventId, String accountId, String settlementAccountId, long amountMinor,
                                      String currency) {
        return MutationEvent.newBuilder().setEventId(eventId)
                .setTopUp(TopUp.newBuilder().setAccountId(accountId).setSettlementAccountId(settlementAccountId)
                        .setAmountMinor(amountMinor).setCurrency(currency))
                .build();
    }

    /** A transfer; see {@link #transfer(String, String, String, long, long, String, long, String, String)}. */
    public static MutationEvent transfer(String payer, String payee, long amountMinor, long feeMinor,
                                         String feeAccount, long taxMinor, String taxAccount, String currency) {
        return transfer(EventIds.next(), payer, payee, amountMinor, feeMinor, feeAccount, taxMinor, taxAccount,
                currency);
    }

    /**
     * Person-to-person transfer: the payer is debited {@code amountMinor}; fee and tax are carved out of it, so the
     * payee gets {@code amountMinor - feeMinor - taxMinor}.
     *
     * @param eventId idempotency key, 1..64 bytes
     * @param payer debited account (Kafka key)
     * @param payee credited account
     * @param amountMinor &gt; 0 and &gt;= feeMinor + taxMinor
     * @param feeMinor &gt;= 0
     * @param feeAccount required when feeMinor &gt; 0, else may be null or empty
     * @param taxMinor &gt;= 0
     * @param taxAccount required when taxMinor &gt; 0, else may be null or empty
     * @param currency ISO-4217 code
     * @return the event, ready to submit
     */
    public static MutationEvent transfer(String eventId, String payer, String payee, long amountMinor, long feeMinor,
                                         String feeAccount, long taxMinor, String taxAccount, String currency) {
        return MutationEvent.newBuilder().setEventId(eventId)
                .setTransfer(Transfer.newBuilder().setPayerAccountId(payer).setPayeeAccountId(payee)
                        .setAmountMinor(amountMinor).setFeeMinor(feeMinor).setFeeAccountId(orEmpty(feeAccount))
                        .setTaxMinor(taxMinor).setTaxAccountId(orEmpty(taxAccount)).setCurrency(currency))
                .build();
    }

    /** Asks every consumer to snapshot; see {@link #snapshot(String, String)}. */
    public static MutationEvent snapshot(String label) {
        return snapshot(EventIds.next(), label);
    }

    /**
     * Asks every consumer to snapshot its state; written once to every partition.
     *
     * @param eventId idempotency key, 1..64 bytes
     * @param label free text, may be null or empty
     * @return the event, ready to submit
     */
    public static MutationEvent snapshot(String eventId, String label) {
        return MutationEvent.newBuilder().setEventId(eventId)
                .setSnapshot(Snapshot.newBuilder().setLabel(orEmpty(label)))
                .build();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
