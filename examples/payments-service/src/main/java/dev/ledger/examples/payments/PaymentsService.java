package dev.ledger.examples.payments;

import dev.ledger.client.LedgerClient;
import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import dev.ledger.proto.AccountGroup;
import java.util.Objects;

/**
 * A tiny payments service on the ledger SDK, the kind of code a user tests with {@code ledger-testkit}: it opens
 * wallets, funds them from the bank's settlement account and pays between wallets. A payment's id is its event id,
 * so paying again with the same id (a retry after a crash) never charges twice: the ledger decides it once.
 *
 * <p>Every method returns once the ledger has durably stored the request (an ACCEPTED receipt). Whether the core
 * applied it (enough funds, the wallets exist) is its decision, in the {@code ledger.decisions} journal.
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
}
