package dev.ledger.core.rules;

import dev.ledger.proto.AccountGroup;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One account of the in-memory ledger: attributes fixed at creation, the balance and the last decision that
 * changed it. Owned by the single thread that runs {@link Ledger}; never shared.
 *
 * <p>This object holds the attributes only; the balance and the last decision live in the {@link AccountTable}'s
 * compact arrays (the hot path reads and writes those without touching this object), which the getters read. The
 * last event id is kept there as two longs when it is UUID-shaped (as the SDK makes them), as text otherwise. The id
 * is kept once, as a String; the table compares it with a record's bytes char by char.
 */
public final class Account {

    private final String id;
    private final String currency;
    private final AccountGroup group;
    private final String displayName;
    // Where the mutable state lives: the table's arrays, at index (set when the account is filed).
    private AccountTable table;
    private int index;

    Account(String id, String currency, AccountGroup group, String displayName) {
        this.id = id;
        this.currency = currency;
        this.group = group;
        this.displayName = displayName;
    }

    void filed(AccountTable table, int index) {
        this.table = table;
        this.index = index;
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
        return table == null ? 0 : table.balance(index);
    }

    /** Sequence of the last decision that changed this account, or -1. */
    public long lastSequence() {
        return table == null ? -1 : table.lastSequence(index);
    }

    /** Event id of the last decision that changed this account, or "". */
    public String lastEventId() {
        return table == null ? "" : table.lastEventId(index);
    }

    boolean sameAttributes(String currency, AccountGroup group, String displayName) {
        return this.currency.equals(currency) && this.group == group && this.displayName.equals(displayName);
    }

    byte[] idUtf8() {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the id's UTF-8 encoding is the bytes; compares chars with bytes while both are ASCII. */
    boolean idEquals(byte[] b, int off, int len) {
        String s = id;
        int n = s.length();
        if (n > len) {
            return false; // UTF-8 takes at least one byte per char
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                byte[] u = idUtf8();
                return Arrays.equals(u, 0, u.length, b, off, off + len);
            }
            if (c != b[off + i]) {
                return false;
            }
        }
        return n == len;
    }

    /** Whether the currency equals the bytes. */
    boolean currencyEquals(byte[] b, int off, int len) {
        byte[] c = currency.getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(c, 0, c.length, b, off, off + len);
    }

    @Override
    public String toString() {
        return id + "{" + currency + ", " + group + ", balance " + balanceMinor() + "}";
    }
}
