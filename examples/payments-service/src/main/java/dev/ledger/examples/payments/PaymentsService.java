package dev.ledger.examples.payments;

import dev.ledger.client.Decision;
import dev.ledger.client.LedgerClient;
import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.ReasonCode;
import java.util.Objects;

/**
 * A tiny payments service on the ledger SDK, the kind of code a user tests with {@code ledger-testkit}: it opens
 * wallets, funds them from the bank's settlement account and pays between wallets. A payment's id is its event id,
 * so paying again with the same id (a retry after a crash) never charges twice: the ledger decides it once.
 *
 * <p>Most methods return once the ledger has durably stored the request (an ACCEPTED receipt); whether the core
 * applied it (enough funds, the wallets exist) is then its decision, in the {@code ledger.decisions} journal.
 * {@link #payAndConfirm} waits for that decision and turns it into the answer a checkout page needs.
 * Thread-safe when the client is (the SDK's is).
 */
public final class PaymentsService {

    private final LedgerClient ledger;
    private final String bankAccount;
    private final String currency;

    /**
     * @param bankAccount the settlement account money comes from, opened by {@link #openBank()}
     * @param currency ISO-4217 code of every wallet, e.g. "EUR"
     */
    public PaymentsService(LedgerClient ledger, String bankAccount, String currency) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.bankAccount = Objects.requireNonNull(bankAccount, "bankAccount");
        this.currency = Objects.requireNonNull(currency, "currency");
    }

    /** Opens the bank's settlement account (it may go below zero: it is where money enters). */
    public Receipt openBank() {
        return ledger.submit(Mutations.createAccount(bankAccount, currency, "Bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT));
    }

    public Receipt openWallet(String walletId, String owner) {
        return ledger.submit(Mutations.createAccount(walletId, currency, owner, AccountGroup.ACCOUNT_GROUP_CUSTOMER));
    }

    /** Moves {@code amountMinor} from the bank into a wallet. */
    public Receipt fund(String walletId, long amountMinor) {
        return ledger.submit(Mutations.topUp(walletId, bankAccount, amountMinor, currency));
    }

    /**
     * Pays {@code amountMinor} from one wallet to another. Safe to call again with the same {@code paymentId}.
     *
     * @throws dev.ledger.client.LedgerException when the ledger did not store it (see the SDK's docs)
     */
    public Receipt pay(String paymentId, String fromWallet, String toWallet, long amountMinor) {
        return ledger.submit(Mutations.transfer(paymentId, fromWallet, toWallet, amountMinor, 0, "", 0, "", currency));
    }

    /** What a payment came to, as the ledger decided it. */
    public enum PaymentResult { PAID, DECLINED_INSUFFICIENT_FUNDS, REFUSED }

    /**
     * Pays and waits for the ledger's decision, so the caller can tell its user at once: paid, or declined for lack
     * of funds. Safe to call again with the same {@code paymentId}: a retry gets the original decision back.
     *
     * @throws dev.ledger.client.LedgerException when the ledger did not store it or no decision came in time
     */
    public PaymentResult payAndConfirm(String paymentId, String fromWallet, String toWallet, long amountMinor) {
        Decision d = ledger.submitAndAwaitDecision(
                Mutations.transfer(paymentId, fromWallet, toWallet, amountMinor, 0, "", 0, "", currency));
        if (d.applied()) {
            return PaymentResult.PAID;
        }
        return d.reasonCode() == ReasonCode.REASON_INSUFFICIENT_FUNDS
                ? PaymentResult.DECLINED_INSUFFICIENT_FUNDS : PaymentResult.REFUSED;
    }
}
