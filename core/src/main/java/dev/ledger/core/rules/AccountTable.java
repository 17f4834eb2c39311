package dev.ledger.core.rules;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The ledger's accounts by id, found by the id's UTF-8 bytes (as they sit in a mutation record) without creating a
 * String: open addressing over an array of accounts with their hashes alongside, at most 2/3 full. Seen from outside
 * as a read-only {@code Map<String, Account>} ({@link #asMap()}). Not thread-safe: owned by the ledger's thread.
 */
final class AccountTable {

    private Account[] slots = new Account[1 << 6];
    private int[] hashes = new int[1 << 6];
    private int size;
    private final Map<String, Account> view = new View();

    int size() {
        return size;
    }

    Account get(byte[] b, int off, int len) {
        int h = Account.hash(b, off, len);
        int mask = slots.length - 1;
        for (int i = h & mask;; i = (i + 1) & mask) {
            Account a = slots[i];
            if (a == null) {
                return null;
            }
            if (hashes[i] == h && a.idEquals(b, off, len)) {
                return a;
            }
        }
    }

    Account get(String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return get(b, 0, b.length);
    }

    /** Files an account, replacing the one with the same id if any. */
    void put(Account a) {
        if ((size + 1) * 3L > slots.length * 2L) {
            grow();
        }
        int i = slotOf(a);
        if (slots[i] == null) {
            size++;
        }
        slots[i] = a;
        hashes[i] = a.idHash();
    }

    Map<String, Account> asMap() {
        return view;
    }

    private int slotOf(Account a) {
        byte[] id = a.idUtf8();
        int mask = slots.length - 1;
        int i = a.idHash() & mask;
        while (slots[i] != null && (hashes[i] != a.idHash() || !slots[i].idEquals(id, 0, id.length))) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        Account[] old = slots;
        slots = new Account[old.length * 2];
        hashes = new int[old.length * 2];
        for (Account a : old) {
            if (a != null) {
                int i = slotOf(a);
                slots[i] = a;
                hashes[i] = a.idHash();
            }
        }
    }

    /** The read-only map view: get and containsKey by table lookup, iteration over the slots. */
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
                        private final Account[] s = slots;
                        private int next = advance(0);

                        private int advance(int from) {
                            int i = from;
                            while (i < s.length && s[i] == null) {
                                i++;
                            }
                            return i;
                        }

                        @Override
                        public boolean hasNext() {
                            return next < s.length;
                        }

                        @Override
                        public Entry<String, Account> next() {
                            if (next >= s.length) {
                                throw new NoSuchElementException();
                            }
                            Account a = s[next];
                            next = advance(next + 1);
                            return new SimpleImmutableEntry<>(a.id(), a);
                        }
                    };
                }
            };
        }
    }
}
