package dev.ledger.core.rules;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Every event id the ledger has decided, kept for the whole history, with what is needed to answer a resend: the
 * body fingerprint (to tell a resend from a reuse), the original decision's sequence and its outcome and reason.
 *
 * <p>Ids in the canonical lowercase UUID text form (what the SDK generates) are kept as two longs, in arrays and no
 * object per id. The entries, four longs each (msb, lsb, fingerprint, sequence and code packed as
 * {@code sequence << 8 | code}), are appended in the order ids are first kept, so a new id writes next to the last
 * one. An open-addressing index at most 2/3 full finds them: per slot one byte of the id's hash (0: empty) and the
 * entry's number. A new id, the common case, reads only the bytes of its probe run, which for millions of ids still
 * fit the cache and the TLB (a probe into 32-byte slots missed both on every decision); an entry is read only when
 * a byte matches. About 43 bytes per id. Any other id (up to 64 bytes) goes to a plain map. Not thread-safe: owned
 * by the thread that runs the {@link Ledger}.
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
    /** Entries are numbered by an int, four longs each in one array. */
    private static final int MAX_ENTRIES = (Integer.MAX_VALUE - 8) / STRIDE;

    private byte[] tags; // per slot: 0 when empty, else a byte of the id's hash (never 0)
    private int[] refs; // per slot: the entry's number
    private int capacity; // slots of the index, a power of two
    private long[] entries; // per kept UUID, in the order first kept: [msb, lsb, bodyHash, sequence << 8 | code]
    private int uuidCount;
    /** A {@link Frozen} view may read {@link #entries}: an entry it holds is copied before it is changed. */
    private boolean entriesShared;
    private final Map<String, Kept> others = new HashMap<>();

    // The result of the last successful lookup (single-threaded, so a flyweight instead of an allocation).
    private long foundHash;
    private long foundSequence;
    private int foundCode;

    /** Largest batch {@link #prefetch} takes. */
    static final int PREFETCH_BATCH = 64;
    private final int[] homes = new int[PREFETCH_BATCH];
    private long prefetchSink; // keeps the prefetch loads from being optimized away

    // The index slot the last UUID lookup ended at, and the id's entry there (-1: none, the slot is empty):
    // decide() looks an id up and then puts the same id, so it probes once.
    private int probedSlot = -1;
    private int probedEntry;
    private long probedMsb;
    private long probedLsb;

    public IdTable() {
        entries = new long[MIN_CAPACITY * STRIDE];
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
        remember(msb, lsb);
        if (probedEntry < 0) {
            return false;
        }
        int at = probedEntry * STRIDE;
        long packed = entries[at + 3];
        foundHash = entries[at + 2];
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
            grow(); // forgets the probed slot
        }
        if (probedSlot < 0 || probedMsb != msb || probedLsb != lsb) {
            remember(msb, lsb);
        }
        int entry = probedEntry;
        boolean inPlace = entry >= 0;
        if (entry < 0) {
            if (uuidCount == MAX_ENTRIES) {
                throw new IllegalStateException("too many ids for one table: " + uuidCount);
            }
            entry = uuidCount++;
            if (entries.length < uuidCount * STRIDE) {
                entries = Arrays.copyOf(entries, (int) Math.min((long) entries.length * 2, MAX_ENTRIES * STRIDE));
                entriesShared = false; // a new array: no view reads it
            }
            tags[probedSlot] = tag(hash(msb, lsb)); // cheap next to the miss it avoids
            refs[probedSlot] = entry;
        }
        probedSlot = -1;
        if (entriesShared && inPlace) {
            // An id kept again in place (a replayed journal may do so), while a view reads the entries: the view
            // keeps the array as it was. Appended entries lie past every view's count and need no copy.
            entries = entries.clone();
            entriesShared = false;
        }
        int at = entry * STRIDE;
        long[] e = entries;
        e[at] = msb;
        e[at + 1] = lsb;
        e[at + 2] = bodyHash;
        e[at + 3] = sequence << 8 | code;
    }

    /**
     * Touches the index slots (tag and entry number) of {@code count} UUIDs ({@code uuids[2k], uuids[2k + 1]}) one
     * after another, so that their cache misses overlap instead of each stalling its own decision. Changes nothing.
     */
    void prefetch(long[] uuids, int count) {
        int mask = capacity - 1;
        int[] at = homes;
        for (int k = 0; k < count; k++) {
            at[k] = (int) hash(uuids[2 * k], uuids[2 * k + 1]) & mask;
        }
        byte[] t = tags;
        int[] r = refs; // a new id writes its slot there
        long sum = 0;
        for (int k = 0; k < count; k++) {
            sum += t[at[k]] + r[at[k]];
        }
        prefetchSink += sum;
    }

    /** Grows the UUID table now so that {@code expectedIds} fit without growing again (e.g. before a bulk load). */
    public void reserve(long expectedIds) {
        if (expectedIds > MAX_ENTRIES) {
            throw new IllegalArgumentException("too many ids for one table: " + expectedIds);
        }
        long wanted = capacity;
        while ((expectedIds + 1) * 3L > wanted * 2L) {
            wanted *= 2;
        }
        while (capacity < wanted) {
            grow();
        }
        if (entries.length < expectedIds * STRIDE) {
            entries = Arrays.copyOf(entries, (int) expectedIds * STRIDE);
            entriesShared = false;
        }
    }

    /** Visits the UUID ids in the order they were first kept, then the others. */
    public void forEach(Visitor visitor) {
        visitUuids(entries, uuidCount, visitor);
        others.forEach((id, k) -> visitor.text(id, k.bodyHash, k.sequence, k.code));
    }

    private static void visitUuids(long[] e, int count, Visitor visitor) {
        for (int at = 0; at < count * STRIDE; at += STRIDE) {
            visitor.uuid(e[at], e[at + 1], e[at + 2], e[at + 3] >>> 8, (int) e[at + 3] & 0xff);
        }
    }

    /**
     * The ids kept now, as a view that later changes to this table do not reach, for another thread to visit (a
     * snapshot encoded off the owner's thread). Cheap for UUIDs: the entries are appended and never moved, so the
     * view shares the array up to today's count (an entry changed in place later is copied first); the other ids
     * are copied. Owner's thread only; the view is immutable once made, and safe to hand to another thread through
     * anything that publishes it (an executor, a volatile field).
     */
    public Frozen freeze() {
        entriesShared = true;
        String[] ids = new String[others.size()];
        Kept[] kept = new Kept[ids.length];
        int i = 0;
        for (Map.Entry<String, Kept> e : others.entrySet()) {
            ids[i] = e.getKey();
            kept[i++] = e.getValue();
        }
        return new Frozen(entries, uuidCount, ids, kept);
    }

    /** What {@link #freeze} saw: visits the ids as {@link #forEach} did then, from any thread. */
    public static final class Frozen {
        private final long[] entries;
        private final int uuidCount;
        private final String[] ids;
        private final Kept[] kept;

        private Frozen(long[] entries, int uuidCount, String[] ids, Kept[] kept) {
            this.entries = entries;
            this.uuidCount = uuidCount;
            this.ids = ids;
            this.kept = kept;
        }

        /** Ids in the view. */
        public int size() {
            return uuidCount + ids.length;
        }

        public void forEach(Visitor visitor) {
            visitUuids(entries, uuidCount, visitor);
            for (int i = 0; i < ids.length; i++) {
                visitor.text(ids[i], kept[i].bodyHash, kept[i].sequence, kept[i].code);
            }
        }
    }

    /** Bytes of the UUID index and entries (not counting the map of other ids); for the memory report. */
    public long uuidTableBytes() {
        return tags.length + refs.length * 4L + entries.length * 8L;
    }

    /** Probes for the id and remembers where it ended: the slot, and the id's entry or -1. */
    private void remember(long msb, long lsb) {
        int slot = probe(msb, lsb);
        probedSlot = slot;
        probedEntry = tags[slot] == 0 ? -1 : refs[slot];
        probedMsb = msb;
        probedLsb = lsb;
    }

    /** The index slot that refers to the id, or the empty slot where it would go. */
    private int probe(long msb, long lsb) {
        int mask = capacity - 1;
        long h = hash(msb, lsb);
        byte tag = tag(h);
        byte[] t = tags;
        for (int i = (int) h & mask;; i = (i + 1) & mask) {
            byte b = t[i];
            if (b == 0) {
                return i;
            }
            if (b == tag) { // the entry is read only when the hash's byte agrees
                int at = refs[i] * STRIDE;
                if (entries[at] == msb && entries[at + 1] == lsb) {
                    return i;
                }
            }
        }
    }

    /** The slot is the low bits, the tag the top byte: independent for any table size. */
    private static long hash(long msb, long lsb) {
        long h = msb * 0x9E3779B97F4A7C15L ^ lsb;
        h ^= h >>> 33;
        h *= 0xC2B2AE3D27D4EB4FL;
        return h ^ (h >>> 29);
    }

    private static byte tag(long hash) {
        int b = (int) (hash >>> 56);
        return (byte) (b == 0 ? 1 : b);
    }

    /** Doubles the index, placing the entries again in the order they were kept; the entries stay where they are. */
    private void grow() {
        allocate(capacity * 2);
        int mask = capacity - 1;
        byte[] t = tags;
        int[] r = refs;
        long[] e = entries;
        for (int entry = 0; entry < uuidCount; entry++) {
            long h = hash(e[entry * STRIDE], e[entry * STRIDE + 1]);
            int i = (int) h & mask;
            while (t[i] != 0) {
                i = (i + 1) & mask;
            }
            t[i] = tag(h);
            r[i] = entry;
        }
    }

    private void allocate(int newCapacity) {
        if (newCapacity <= 0) {
            throw new IllegalStateException("too many ids for one table: " + uuidCount);
        }
        capacity = newCapacity;
        tags = new byte[newCapacity];
        refs = new int[newCapacity];
        probedSlot = -1;
    }
}
