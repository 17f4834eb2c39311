package dev.ledger.core.rules;

import dev.ledger.proto.AccountGroup;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One account of the in-memory ledger: attributes fixed at creation, the balance and the last decision that
 * changed it. Mutable, owned by the single thread that runs {@link Ledger}; never shared.
 *
 * <p>The id is kept as UTF-8 bytes too: the ledger finds an account by the bytes of the mutation record and writes
 * them into the decision without a String. The last event id is kept as two longs when it is UUID-shaped (as the SDK
 * makes them), as text otherwise.
 */
public final class Account {

    private final String id;
    private final byte[] idUtf8;
    private final String currency;
    private final AccountGroup group;
    private final String displayName;
    long balanceMinor;
    long lastSequence = -1;
    private long lastIdMsb;
    private long lastIdLsb;
    private String lastIdText = ""; // null when the last event id is the UUID lastIdMsb, lastIdLsb

    Account(String id, String currency, AccountGroup group, String displayName) {
        this.id = id;
        this.idUtf8 = id.getBytes(StandardCharsets.UTF_8);
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
        return lastIdText != null ? lastIdText : Uuids.format(lastIdMsb, lastIdLsb);
    }

    /** Only settlement accounts stand for money outside the ledger and may go below zero. */
    boolean mayGoNegative() {
        return group == AccountGroup.ACCOUNT_GROUP_SETTLEMENT;
    }

    boolean sameAttributes(String currency, AccountGroup group, String displayName) {
        return this.currency.equals(currency) && this.group == group && this.displayName.equals(displayName);
    }

    byte[] idUtf8() {
        return idUtf8;
    }

    boolean idEquals(byte[] b, int off, int len) {
        return Arrays.equals(idUtf8, 0, idUtf8.length, b, off, off + len);
    }

    /** Whether the currency equals the (ASCII) bytes. */
    boolean currencyEquals(byte[] b, int off, int len) {
        String c = currency;
        if (c.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (c.charAt(i) != (b[off + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    void touch(long balance, long sequence, String eventId) {
        if (Uuids.isUuid(eventId)) {
            touchUuid(balance, sequence, Uuids.msb(eventId), Uuids.lsb(eventId));
        } else {
            balanceMinor = balance;
            lastSequence = sequence;
            lastIdText = eventId;
        }
    }

    void touchUuid(long balance, long sequence, long msb, long lsb) {
        balanceMinor = balance;
        lastSequence = sequence;
        lastIdMsb = msb;
        lastIdLsb = lsb;
        lastIdText = null;
    }

    @Override
    public String toString() {
        return id + "{" + currency + ", " + group + ", balance " + balanceMinor + "}";
    }
}
