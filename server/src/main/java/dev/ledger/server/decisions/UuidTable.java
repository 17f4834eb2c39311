package dev.ledger.server.decisions;

/**
 * A hash table from a UUID's two longs (the core's {@code Uuids} rule) to a value and an int, made for the
 * {@link DecisionRouter}'s stripes: the keys in one {@code long[]}, so a lookup reads no key object and hashes no
 * String. Open addressing with linear probing; a removal shifts the entries after it back (no tombstones, so a
 * lookup never walks past deleted entries). It grows at half full and shrinks below an eighth full (never under
 * {@link #MIN_CAPACITY}): its size follows the ids awaited now, which the connections' in-flight windows bound.
 *
 * <p>The slot of a key comes from {@link #hash}, a keyed mix of both longs: the seed, random per router, keeps a
 * client from choosing ids that all land on one slot. Not thread-safe: the owner's lock guards every call.
 */
final class UuidTable {

    static final int MIN_CAPACITY = 16;

    private final long seed;
    /** Key of slot {@code i}: its high long at {@code 2i}, its low long at {@code 2i + 1} (one cache line). */
    private long[] keys;
    /** Value of slot {@code i}; null when the slot is free. */
    private Object[] values;
    private int[] tags;
    private int size;

    UuidTable(long seed) {
        this.seed = seed;
        allocate(MIN_CAPACITY);
    }

    /**
     * The hash of a key under {@code seed}: the low bits pick the slot, so an owner that splits keys among tables
     * should pick the table with the high bits.
     */
    static long hash(long high, long low, long seed) {
        return mix(mix(high ^ seed) + low);
    }

    /** SplitMix64's finalizer: a bijection on longs whose every output bit depends on every input bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The slot holding the key, or -1; {@code hash} is {@code hash(high, low, seed)} with this table's seed. */
    int find(long high, long low, long hash) {
        int mask = values.length - 1;
        for (int i = (int) hash & mask; values[i] != null; i = (i + 1) & mask) {
            if (keys[2 * i] == high && keys[2 * i + 1] == low) {
                return i;
            }
        }
        return -1;
    }

    /** Adds a key that {@link #find} did not find, with its value (not null) and tag. */
    void insert(long high, long low, long hash, Object value, int tag) {
        if ((size + 1) * 2 > values.length) {
            resize(values.length * 2);
        }
        int mask = values.length - 1;
        int i = (int) hash & mask;
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        put(i, high, low, value, tag);
        size++;
    }

    Object value(int slot) {
        return values[slot];
    }

    int tag(int slot) {
        return tags[slot];
    }

    /** Replaces the value (not null) and tag of a slot {@link #find} gave. */
    void set(int slot, Object value, int tag) {
        values[slot] = value;
        tags[slot] = tag;
    }

    /** Removes the key at a slot {@link #find} gave; slots found before this are stale afterwards. */
    void removeAt(int slot) {
        int mask = values.length - 1;
        int free = slot;
        for (int i = (slot + 1) & mask; values[i] != null; i = (i + 1) & mask) {
            int home = (int) hash(keys[2 * i], keys[2 * i + 1], seed) & mask;
            // The entry at i may fill the hole if its home is not after the hole (cyclically): its probe from home
            // to i passes the hole.
            if (((i - home) & mask) >= ((i - free) & mask)) {
                put(free, keys[2 * i], keys[2 * i + 1], values[i], tags[i]);
                free = i;
            }
        }
        values[free] = null;
        tags[free] = 0;
        size--;
        if (values.length > MIN_CAPACITY && size * 8 < values.length) {
            resize(values.length / 2);
        }
    }

    int size() {
        return size;
    }

    /** Slots now (for tests). */
    int capacity() {
        return values.length;
    }

    private void put(int slot, long high, long low, Object value, int tag) {
        keys[2 * slot] = high;
        keys[2 * slot + 1] = low;
        values[slot] = value;
        tags[slot] = tag;
    }

    private void allocate(int capacity) {
        keys = new long[2 * capacity];
        values = new Object[capacity];
        tags = new int[capacity];
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        int[] oldTags = tags;
        allocate(capacity);
        int mask = capacity - 1;
        for (int j = 0; j < oldValues.length; j++) {
            if (oldValues[j] != null) {
                long high = oldKeys[2 * j];
                long low = oldKeys[2 * j + 1];
                int i = (int) hash(high, low, seed) & mask;
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                put(i, high, low, oldValues[j], oldTags[j]);
            }
        }
    }
}
