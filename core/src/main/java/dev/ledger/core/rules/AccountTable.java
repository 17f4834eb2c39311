package dev.ledger.core.rules;

import dev.ledger.proto.AccountGroup;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The ledger's accounts by id, with their balances, found by the id's UTF-8 bytes (as they sit in a mutation
 * record) without creating a String. Open addressing over one {@code long[]} with four longs per slot: the id's
 * first 16 bytes as two little-endian longs, its length and hash, and the account's index in dense arrays. An id of
 * at most 16 bytes (the common case) is compared in the slot alone, so a lookup reads one cache line of the table
 * and then the account's state; longer ids are compared with the account's id. At most 3/4 full. Seen from outside
 * as a read-only {@code Map<String, Account>} ({@link #asMap()}), in the order accounts were opened. Not
 * thread-safe: owned by the ledger's thread.
 */
final class AccountTable {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int STRIDE = 4;

    private long[] slots = new long[64 * STRIDE]; // [k0, k1, len << 32 | hash, index + 1]; the last is 0 when empty
    private int capacity = 64;
    private static final int STATE = 4;
    private static final int CURRENCY_MASK = 0xFFFFFF;

    // Per account, by index (dense, in the order accounts were opened): the account object (attributes, cold), its
    // state as four longs [balance, last sequence, last event id msb, lsb], its last event id when not UUID-shaped
    // (else null), and its currency and settlement flag. The hot path reads and writes only the compact arrays.
    private Account[] dense = new Account[64];
    private long[] state = new long[64 * STATE];
    private String[] texts = new String[64];
    private int[] attrs = new int[64];
    private int size;
    private final Map<String, Account> view = new View();

    /** Largest batch {@link #prefetch} takes. */
    static final int PREFETCH_BATCH = 128;
    private final int[] homes = new int[PREFETCH_BATCH];
    private long prefetchSink; // keeps the prefetch loads from being optimized away

    // The key of the last id hashed (single-threaded, so fields instead of an allocation).
    private long k0;
    private long k1;
    private long meta;

    int size() {
        return size;
    }

    /** The index of the account with this id (UTF-8 bytes), or -1. */
    int find(byte[] b, int off, int len) {
        key(b, off, len);
        long ref = slots[slot(b, off, len) + 3];
        return (int) ref - 1;
    }

    Account get(byte[] b, int off, int len) {
        int i = find(b, off, len);
        return i < 0 ? null : dense[i];
    }

    Account get(String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return get(b, 0, b.length);
    }

    Account account(int index) {
        return dense[index];
    }

    /**
     * Files an account, replacing the one with the same id if any (the new one starts afresh: balance 0, no last
     * decision). Returns its index.
     */
    int put(Account a) {
        if ((size + 1) * 4L > capacity * 3L) {
            grow();
        }
        byte[] id = a.idUtf8();
        key(id, 0, id.length);
        int slot = slot(id, 0, id.length);
        long ref = slots[slot + 3];
        int index;
        if (ref != 0) {
            index = (int) ref - 1;
        } else {
            if (size == dense.length) {
                int n = size * 2;
                dense = Arrays.copyOf(dense, n);
                state = Arrays.copyOf(state, n * STATE);
                texts = Arrays.copyOf(texts, n);
                attrs = Arrays.copyOf(attrs, n);
            }
            index = size++;
            fill(slot, index + 1);
        }
        dense[index] = a;
        attrs[index] = attributes(a);
        touchText(index, 0, -1, "");
        a.filed(this, index);
        return index;
    }

    /**
     * Touches the slots and states of the accounts named by {@code count} id ranges, of {@code values[records[k]]},
     * one after another, so that their cache misses overlap; see {@link Ledger#prefetch}. Changes nothing.
     */
    void prefetch(byte[][] values, int[] records, int[] offs, int[] lens, int count) {
        int mask = capacity - 1;
        int[] at = homes;
        for (int k = 0; k < count; k++) {
            key(values[records[k]], offs[k], lens[k]);
            at[k] = ((int) meta & mask) * STRIDE + 3;
        }
        long[] s = slots;
        long[] st = state;
        long sum = 0;
        for (int k = 0; k < count; k++) {
            long ref = s[at[k]];
            sum += ref == 0 ? 0 : st[((int) ref - 1) * STATE];
        }
        prefetchSink += sum;
    }

    // ------------------------------------------------------------------------------------------------- state

    long balance(int index) {
        return state[index * STATE];
    }

    long lastSequence(int index) {
        return state[index * STATE + 1];
    }

    String lastEventId(int index) {
        String text = texts[index];
        return text != null ? text : Uuids.format(state[index * STATE + 2], state[index * STATE + 3]);
    }

    /** Whether the account may go below zero: only settlement accounts stand for money outside the ledger. */
    boolean mayGoNegative(int index) {
        return attrs[index] < 0;
    }

    /** Whether the account's currency is the bytes. */
    boolean currencyEquals(int index, byte[] b, int off, int len) {
        int code = attrs[index] & CURRENCY_MASK;
        if (code == 0) {
            return dense[index].currencyEquals(b, off, len); // not three ASCII letters: compare the text
        }
        return len == 3 && code == ((b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16);
    }

    void touch(int index, long balance, long sequence, String eventId) {
        if (Uuids.isUuid(eventId)) {
            touchUuid(index, balance, sequence, Uuids.msb(eventId), Uuids.lsb(eventId));
        } else {
            touchText(index, balance, sequence, eventId);
        }
    }

    void touchUuid(int index, long balance, long sequence, long msb, long lsb) {
        int at = index * STATE;
        state[at] = balance;
        state[at + 1] = sequence;
        state[at + 2] = msb;
        state[at + 3] = lsb;
        if (texts[index] != null) {
            texts[index] = null;
        }
    }

    private void touchText(int index, long balance, long sequence, String eventId) {
        int at = index * STATE;
        state[at] = balance;
        state[at + 1] = sequence;
        state[at + 2] = 0;
        state[at + 3] = 0;
        texts[index] = eventId;
    }

    /** The currency as three ASCII bytes in an int (0 when it is not three ASCII chars), the sign bit: settlement. */
    private static int attributes(Account a) {
        String c = a.currency();
        int code = 0;
        if (c.length() == 3 && c.charAt(0) < 128 && c.charAt(1) < 128 && c.charAt(2) < 128 && c.charAt(0) != 0) {
            code = c.charAt(0) | c.charAt(1) << 8 | c.charAt(2) << 16;
        }
        return a.group() == AccountGroup.ACCOUNT_GROUP_SETTLEMENT ? code | Integer.MIN_VALUE : code;
    }

    Map<String, Account> asMap() {
        return view;
    }

    private void fill(int slot, long ref) {
        slots[slot] = k0;
        slots[slot + 1] = k1;
        slots[slot + 2] = meta;
        slots[slot + 3] = ref;
    }

    /** The slot holding the id whose {@link #key} was computed last, or the empty slot where it would go. */
    private int slot(byte[] b, int off, int len) {
        long[] s = slots;
        int mask = capacity - 1;
        for (int i = (int) meta & mask;; i = (i + 1) & mask) {
            int slot = i * STRIDE;
            long ref = s[slot + 3];
            if (ref == 0 || s[slot + 2] == meta && s[slot] == k0 && s[slot + 1] == k1
                    && (len <= 16 || dense[(int) ref - 1].idEquals(b, off, len))) {
                return slot;
            }
        }
    }

    /** Sets k0, k1 (the first 16 bytes, zero-padded) and meta (the length and a hash of all bytes). */
    private void key(byte[] b, int off, int len) {
        long a;
        long c;
        if (off + 16 <= b.length) {
            a = (long) LONGS.get(b, off);
            c = (long) LONGS.get(b, off + 8);
            if (len < 16) {
                c = len <= 8 ? 0 : c & (-1L >>> (8 * (16 - len)));
                a = len >= 8 ? a : len == 0 ? 0 : a & (-1L >>> (8 * (8 - len)));
            }
        } else if (len <= 16 && off + len >= 8) {
            // Near the record's end (a transfer's tax account): read the words that end where the id ends.
            if (len <= 8) {
                a = len == 0 ? 0 : (long) LONGS.get(b, off + len - 8) >>> (8 * (8 - len));
                c = 0;
            } else {
                a = (long) LONGS.get(b, off);
                c = (long) LONGS.get(b, off + len - 8) >>> (8 * (16 - len));
            }
        } else {
            a = 0;
            c = 0;
            int n = Math.min(len, 16);
            for (int i = 0; i < n; i++) {
                long v = (long) (b[off + i] & 0xff) << (8 * (i & 7));
                if (i < 8) {
                    a |= v;
                } else {
                    c |= v;
                }
            }
        }
        long h = a * 0x9E3779B97F4A7C15L ^ c * 0xC2B2AE3D27D4EB4FL ^ len;
        for (int i = 16; i < len; i++) {
            h = (h ^ b[off + i]) * 0x100000001b3L;
        }
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        k0 = a;
        k1 = c;
        meta = (long) len << 32 | (h & 0xFFFFFFFFL);
    }

    private void grow() {
        long[] old = slots;
        capacity *= 2;
        slots = new long[capacity * STRIDE];
        int mask = capacity - 1;
        for (int i = 0; i < old.length; i += STRIDE) {
            if (old[i + 3] != 0) {
                int j = (int) old[i + 2] & mask;
                while (slots[j * STRIDE + 3] != 0) {
                    j = (j + 1) & mask;
                }
                System.arraycopy(old, i, slots, j * STRIDE, STRIDE);
            }
        }
    }

    /** The read-only map view: get and containsKey by table lookup, iteration over the accounts. */
    private final class View extends AbstractMap<String, Account> {

        @Override
        public Account get(Object key) {
            return key instanceof String s ? AccountTable.this.get(s) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public Set<Entry<String, Account>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public Iterator<Entry<String, Account>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < size;
                        }

                        @Override
                        public Entry<String, Account> next() {
                            if (next >= size) {
                                throw new NoSuchElementException();
                            }
                            Account a = dense[next++];
                            return new SimpleImmutableEntry<>(a.id(), a);
                        }
                    };
                }
            };
        }
    }
}
