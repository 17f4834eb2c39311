package dev.ledger.core.rules;

import java.util.HashMap;
import java.util.Map;

/**
 * Every event id the ledger has decided, kept for the whole history, with what is needed to answer a resend: the
 * body fingerprint (to tell a resend from a reuse), the original decision's sequence and its outcome and reason.
 *
 * <p>Ids in the canonical lowercase UUID text form (what the SDK generates) are stored as two longs in an
 * open-addressing table of one {@code long[]} with four longs per slot (msb, lsb, fingerprint, sequence and code
 * packed as {@code sequence << 8 | code}): one slot is 32 contiguous bytes, so a lookup costs one cache miss. At most
 * 2/3 full, so about 48 bytes per id and no object per id. Any other id (up to 64 bytes) goes to a plain map. Not
 * thread-safe: owned by the thread that runs the {@link Ledger}.
 */
public final class IdTable {

    /** Visits every kept id; for snapshots. */
    public interface Visitor {
        void uuid(long msb, long lsb, long bodyHash, long sequence, int code);

        void text(String id, long bodyHash, long sequence, int code);
    }

    private record Kept(long bodyHash, long sequence, int code) {
    }

    private static final int MIN_CAPACITY = 1 << 10;
    private static final int STRIDE = 4;
    /** Sequences are packed above the 8-bit code; a ledger reaches 2^55 decisions never. */
    private static final long MAX_SEQUENCE = (1L << 55) - 1;

    private long[] slots; // [msb, lsb, bodyHash, sequence << 8 | code]; the last is 0 for an empty slot
    private int capacity;
    private int uuidCount;
    private final Map<String, Kept> others = new HashMap<>();

    // The result of the last successful lookup (single-threaded, so a flyweight instead of an allocation).
    private long foundHash;
    private long foundSequence;
    private int foundCode;

    /** Largest batch {@link #prefetch} takes. */
    static final int PREFETCH_BATCH = 64;
    private final int[] homes = new int[PREFETCH_BATCH];
    private long prefetchSink; // keeps the prefetch loads from being optimized away

    // The slot the last UUID lookup ended at: decide() looks an id up and then puts the same id, so it probes once.
    private int probedSlot = -1;
    private long probedMsb;
    private long probedLsb;

    public IdTable() {
        allocate(MIN_CAPACITY);
    }

    public int size() {
        return uuidCount + others.size();
    }

    public int uuidCount() {
        return uuidCount;
    }

    /** True if the id was kept; then {@link #foundBodyHash()} and friends describe it. */
    public boolean lookup(String id) {
        if (Uuids.isUuid(id)) {
            return lookupUuid(Uuids.msb(id), Uuids.lsb(id));
        }
        Kept k = others.get(id);
        if (k == null) {
            return false;
        }
        foundHash = k.bodyHash;
        foundSequence = k.sequence;
        foundCode = k.code;
        return true;
    }

    /** {@link #lookup} of an id that is UUID-shaped, by its two longs. */
    public boolean lookupUuid(long msb, long lsb) {
        int slot = slotOf(msb, lsb);
        probedSlot = slot;
        probedMsb = msb;
        probedLsb = lsb;
        long packed = slots[slot + 3];
        if (packed == 0) {
            return false;
        }
        foundHash = slots[slot + 2];
        foundSequence = packed >>> 8;
        foundCode = (int) packed & 0xff;
        return true;
    }

    public long foundBodyHash() {
        return foundHash;
    }

    public long foundSequence() {
        return foundSequence;
    }

    public int foundCode() {
        return foundCode;
    }

    /** Keeps an id (replacing an earlier entry for it, which the ledger never asks for). */
    public void put(String id, long bodyHash, long sequence, int code) {
        if (Uuids.isUuid(id)) {
            putUuid(Uuids.msb(id), Uuids.lsb(id), bodyHash, sequence, code);
        } else {
            others.put(id, new Kept(bodyHash, sequence, code));
        }
    }

    public void putUuid(long msb, long lsb, long bodyHash, long sequence, int code) {
        if (code <= 0 || code > 0xff) {
            throw new IllegalArgumentException("code must be in 1..255: " + code);
        }
        if (sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence out of range: " + sequence);
        }
        if ((uuidCount + 1) * 3L > capacity * 2L) {
            grow();
        }
        int slot = probedSlot >= 0 && probedMsb == msb && probedLsb == lsb ? probedSlot : slotOf(msb, lsb);
        probedSlot = -1;
        if (slots[slot + 3] == 0) {
            uuidCount++;
        }
        slots[slot] = msb;
        slots[slot + 1] = lsb;
        slots[slot + 2] = bodyHash;
        slots[slot + 3] = sequence << 8 | code;
    }

    /**
     * Touches the home slots of {@code count} UUIDs ({@code uuids[2k], uuids[2k + 1]}) one after another, so that
     * their cache misses overlap instead of each stalling its own decision. Changes nothing.
     */
    void prefetch(long[] uuids, int count) {
        int mask = capacity - 1;
        int[] at = homes;
        for (int k = 0; k < count; k++) {
            at[k] = ((int) mix(uuids[2 * k], uuids[2 * k + 1]) & mask) * STRIDE + 3;
        }
        long[] s = slots;
        long sum = 0;
        for (int k = 0; k < count; k++) {
            sum += s[at[k]];
        }
        prefetchSink += sum;
    }

    /** Grows the UUID table now so that {@code expectedIds} fit without growing again (e.g. before a bulk load). */
    public void reserve(long expectedIds) {
        long wanted = capacity;
        while ((expectedIds + 1) * 3L > wanted * 2L) {
            wanted *= 2;
        }
        if (wanted * STRIDE > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many ids for one table: " + expectedIds);
        }
        while (capacity < wanted) {
            grow();
        }
    }

    public void forEach(Visitor visitor) {
        for (int i = 0; i < slots.length; i += STRIDE) {
            long packed = slots[i + 3];
            if (packed != 0) {
                visitor.uuid(slots[i], slots[i + 1], slots[i + 2], packed >>> 8, (int) packed & 0xff);
            }
        }
        others.forEach((id, k) -> visitor.text(id, k.bodyHash, k.sequence, k.code));
    }

    /** Bytes of the UUID table's array (not counting the map of other ids); for the memory report. */
    public long uuidTableBytes() {
        return (long) slots.length * 8;
    }

    /** The index of the slot's first long. */
    private int slotOf(long msb, long lsb) {
        int mask = capacity - 1;
        int i = (int) mix(msb, lsb) & mask;
        long[] s = slots;
        while (true) {
            int slot = i * STRIDE;
            if (s[slot + 3] == 0 || s[slot] == msb && s[slot + 1] == lsb) {
                return slot;
            }
            i = (i + 1) & mask;
        }
    }

    private static long mix(long msb, long lsb) {
        long h = msb * 0x9E3779B97F4A7C15L ^ lsb;
        h ^= h >>> 33;
        h *= 0xC2B2AE3D27D4EB4FL;
        return h ^ (h >>> 29);
    }

    private void grow() {
        long[] old = slots;
        allocate(capacity * 2);
        for (int i = 0; i < old.length; i += STRIDE) {
            if (old[i + 3] != 0) {
                int slot = slotOf(old[i], old[i + 1]);
                System.arraycopy(old, i, slots, slot, STRIDE);
            }
        }
    }

    private void allocate(int newCapacity) {
        capacity = newCapacity;
        slots = new long[newCapacity * STRIDE];
        probedSlot = -1;
    }
}
