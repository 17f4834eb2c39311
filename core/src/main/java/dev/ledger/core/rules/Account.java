package dev.ledger.core.rules;

import dev.ledger.proto.AccountGroup;

/**
 * One account of the in-memory ledger: attributes fixed at creation, the balance and the last decision that
 * changed it. Mutable, owned by the single thread that runs {@link Ledger}; never shared.
 */
public final class Account {

    private final String id;
    private final String currency;
    private final AccountGroup group;
    private final String displayName;
    long balanceMinor;
    long lastSequence = -1;
    String lastEventId = "";

    Account(String id, String currency, AccountGroup group, String displayName) {
        this.id = id;
        this.currency = currency;
        this.group = group;
        this.displayName = displayName;
    }

    public String id() {
        return id;
    }

    public String currency() {
        return currency;
    }

    public AccountGroup group() {
        return group;
    }

    public String displayName() {
        return displayName;
    }

    public long balanceMinor() {
        return balanceMinor;
    }

    /** Sequence of the last decision that changed this account, or -1. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Event id of the last decision that changed this account, or "". */
    public String lastEventId() {
        return lastEventId;
    }

    /** Only settlement accounts stand for money outside the ledger and may go below zero. */
    boolean mayGoNegative() {
        return group == AccountGroup.ACCOUNT_GROUP_SETTLEMENT;
    }

    boolean sameAttributes(String currency, AccountGroup group, String displayName) {
        return this.currency.equals(currency) && this.group == group && this.displayName.equals(displayName);
    }

    @Override
    public String toString() {
        return id + "{" + currency + ", " + group + ", balance " + balanceMinor + "}";
    }
}
