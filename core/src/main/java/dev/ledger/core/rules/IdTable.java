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
 * a byte matches. 32 bytes per id in the entries and 7.5 to 15 in the index (5 bytes a slot); while the index grows
 * the old one is kept as well. Any other id (up to 64 bytes) goes to a plain map. Not thread-safe: owned by the
 * thread that runs the {@link Ledger}.
 *
 * <p>Growing never stops the decision loop for a copy or a rehash of millions of ids (one array of entries doubled
 * and an index rehashed at once stalled it 1.7 s at 8.4 M ids in a 2 GB heap): the entries are in fixed pages of
 * 256 KB (no humongous G1 object) found through a small directory, so appending never copies an entry; a full index
 * is replaced by an empty one twice its size, into which the following puts move 16 entries each while lookups
 * read the new index, then the old.
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
    /** Entries are numbered by an int (the index then stays below 2^31 slots); four longs each. */
    private static final int MAX_ENTRIES = (Integer.MAX_VALUE - 8) / STRIDE;
    /** 2^13 entries a page: 256 KB, below half of a 1 MB G1 region, so a page is never a humongous object. */
    static final int PAGE_SHIFT = 13;
    /**
     * Entries a put moves into a growing index: the move ends after 1/16 of the puts that bring the new index to
     * its own 2/3, and costs each of those puts 16 writes to the new index (random, but no more).
     */
    static final int MIGRATE_STEP = 16;

    private final int pageShift;
    private final int pageMask; // entries a page - 1
    private final int migrateStep;

    private byte[] tags; // per slot: 0 when empty, else a byte of the id's hash (never 0)
    private int[] refs; // per slot: the entry's number
    private int capacity; // slots of the index, a power of two
    // While the index grows: the index it replaces, which still finds the entries numbered migrated..migrationEnd-1.
    // Entries below migrated and from migrationEnd on (kept since) are in the new index only. Null otherwise.
    private byte[] oldTags;
    private int[] oldRefs;
    private int migrated;
    private int migrationEnd;

    // Per kept UUID, in the order first kept: [msb, lsb, bodyHash, sequence << 8 | code], entry n at
    // pages[n >>> pageShift][(n & pageMask) * STRIDE]. Pages are allocated as the entries reach them, never moved.
    private long[][] pages = new long[16][];
    /** Per page: a {@link Frozen} view may read it, so an entry in it is not changed in place but in a copy. */
    private boolean[] shared = new boolean[16];
    private int pageCount;
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

    // The slot of the (new) index the last UUID lookup ended at, and the id's entry (-1: none, the slot is empty):
    // decide() looks an id up and then puts the same id, so it probes once. Forgotten when the index changes.
    private int probedSlot = -1;
    private int probedEntry;
    private long probedMsb;
    private long probedLsb;

    public IdTable() {
        this(PAGE_SHIFT, MIGRATE_STEP);
    }

    /**
     * With pages of {@code 2^pageShift} entries, moving {@code migrateStep} entries a put while the index grows (0:
     * all at the next growth or {@link #reserve}; for tests).
     */
    IdTable(int pageShift, int migrateStep) {
        if (pageShift < 0 || pageShift > 20) {
            throw new IllegalArgumentException("pageShift must be in 0..20: " + pageShift);
        }
        if (migrateStep < 0) {
            throw new IllegalArgumentException("migrateStep must not be negative: " + migrateStep);
        }
        this.pageShift = pageShift;
        this.pageMask = (1 << pageShift) - 1;
        this.migrateStep = migrateStep;
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
        int entry = probedEntry;
        if (entry < 0) {
            return false;
        }
        long[] e = pages[entry >>> pageShift];
        int at = (entry & pageMask) * STRIDE;
        long packed = e[at + 3];
        foundHash = e[at + 2];
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
            startGrowth(); // forgets the probed slot
        }
        if (probedSlot < 0 || probedMsb != msb || probedLsb != lsb) {
            remember(msb, lsb);
        }
        int entry = probedEntry;
        boolean inPlace = entry >= 0;
        if (!inPlace) {
            if (uuidCount == MAX_ENTRIES) {
                throw new IllegalStateException("too many ids for one table: " + uuidCount);
            }
            entry = uuidCount;
            if (entry >>> pageShift == pageCount) {
                addPage();
            }
            uuidCount++;
            tags[probedSlot] = tag(hash(msb, lsb)); // cheap next to the miss it avoids
            refs[probedSlot] = entry;
        }
        probedSlot = -1;
        int page = entry >>> pageShift;
        long[] e = pages[page];
        if (inPlace && shared[page]) {
            // An id kept again in place (a replayed journal may do so), while a view reads its page: the view keeps
            // the page as it was. Appended entries lie past every view's count and need no copy.
            e = e.clone();
            pages[page] = e;
            shared[page] = false;
        }
        int at = (entry & pageMask) * STRIDE;
        e[at] = msb;
        e[at + 1] = lsb;
        e[at + 2] = bodyHash;
        e[at + 3] = sequence << 8 | code;
        if (oldTags != null) {
            migrate(migrateStep);
        }
    }

    /**
     * Touches the index slots (tag and entry number) of {@code count} UUIDs ({@code uuids[2k], uuids[2k + 1]}) one
     * after another, so that their cache misses overlap instead of each stalling its own decision; while the index
     * grows, the old index's tags too. Changes nothing.
     */
    void prefetch(long[] uuids, int count) {
        int[] at = homes;
        for (int k = 0; k < count; k++) {
            at[k] = (int) hash(uuids[2 * k], uuids[2 * k + 1]);
        }
        int mask = capacity - 1;
        byte[] t = tags;
        int[] r = refs; // a new id writes its slot there
        long sum = 0;
        for (int k = 0; k < count; k++) {
            int i = at[k] & mask;
            sum += t[i] + r[i];
        }
        byte[] old = oldTags;
        if (old != null) { // a new id reads only the tags of its probe run there
            int oldMask = old.length - 1;
            for (int k = 0; k < count; k++) {
                sum += old[at[k] & oldMask];
            }
        }
        prefetchSink += sum;
    }

    /**
     * Sizes the UUID table now so that {@code expectedIds} fit without growing again (e.g. before a bulk load): ends
     * any growth under way, rehashes into a large enough index at once and allocates the pages.
     */
    public void reserve(long expectedIds) {
        if (expectedIds > MAX_ENTRIES) {
            throw new IllegalArgumentException("too many ids for one table: " + expectedIds);
        }
        finishMigration();
        long wanted = capacity;
        while ((expectedIds + 1) * 3L > wanted * 2L) {
            wanted *= 2;
        }
        if (capacity < wanted) {
            allocate((int) wanted);
            for (int entry = 0; entry < uuidCount; entry++) {
                place(entry);
            }
        }
        while ((long) pageCount << pageShift < expectedIds) {
            addPage();
        }
    }

    /** Visits the UUID ids in the order they were first kept, then the others. */
    public void forEach(Visitor visitor) {
        visitUuids(pages, uuidCount, pageShift, visitor);
        others.forEach((id, k) -> visitor.text(id, k.bodyHash, k.sequence, k.code));
    }

    private static void visitUuids(long[][] pages, int count, int pageShift, Visitor visitor) {
        for (int page = 0, left = count; left > 0; page++, left -= 1 << pageShift) {
            long[] e = pages[page];
            int end = Math.min(left, 1 << pageShift) * STRIDE;
            for (int at = 0; at < end; at += STRIDE) {
                visitor.uuid(e[at], e[at + 1], e[at + 2], e[at + 3] >>> 8, (int) e[at + 3] & 0xff);
            }
        }
    }

    /**
     * The ids kept now, as a view that later changes to this table do not reach, for another thread to visit (a
     * snapshot encoded off the owner's thread). Cheap for UUIDs, a copy of the page references: the entries are
     * appended and never moved, so the view shares the pages up to today's count (a page is copied before an entry
     * in it is changed in place); the other ids are copied. Owner's thread only; the view is immutable once made,
     * and safe to hand to another thread through anything that publishes it (an executor, a volatile field).
     */
    public Frozen freeze() {
        int used = (int) (((long) uuidCount + pageMask) >>> pageShift);
        Arrays.fill(shared, 0, used, true);
        String[] ids = new String[others.size()];
        Kept[] kept = new Kept[ids.length];
        int i = 0;
        for (Map.Entry<String, Kept> e : others.entrySet()) {
            ids[i] = e.getKey();
            kept[i++] = e.getValue();
        }
        return new Frozen(Arrays.copyOf(pages, used), uuidCount, pageShift, ids, kept);
    }

    /** What {@link #freeze} saw: visits the ids as {@link #forEach} did then, from any thread. */
    public static final class Frozen {
        private final long[][] pages;
        private final int uuidCount;
        private final int pageShift;
        private final String[] ids;
        private final Kept[] kept;

        private Frozen(long[][] pages, int uuidCount, int pageShift, String[] ids, Kept[] kept) {
            this.pages = pages;
            this.uuidCount = uuidCount;
            this.pageShift = pageShift;
            this.ids = ids;
            this.kept = kept;
        }

        /** Ids in the view. */
        public int size() {
            return uuidCount + ids.length;
        }

        public void forEach(Visitor visitor) {
            visitUuids(pages, uuidCount, pageShift, visitor);
            for (int i = 0; i < ids.length; i++) {
                visitor.text(ids[i], kept[i].bodyHash, kept[i].sequence, kept[i].code);
            }
        }
    }

    /**
     * Bytes of the UUID index (both while it grows), the pages and their directory (a compressed reference a page)
     * (not counting the map of other ids); for the memory report.
     */
    public long uuidTableBytes() {
        long bytes = tags.length + refs.length * 4L;
        if (oldTags != null) {
            bytes += oldTags.length + oldRefs.length * 4L;
        }
        return bytes + ((long) pageCount * STRIDE * 8 << pageShift) + pages.length * 4L;
    }

    /** Entries still to move into the growing index (0: it is not growing); for tests. */
    int pendingMigration() {
        return oldTags == null ? 0 : migrationEnd - migrated;
    }

    /** Probes for the id and remembers where it ended: the new index's slot, and the id's entry or -1. */
    private void remember(long msb, long lsb) {
        long h = hash(msb, lsb);
        int slot = probe(tags, refs, h, msb, lsb);
        int entry = tags[slot] == 0 ? -1 : refs[slot];
        if (entry < 0 && oldTags != null) {
            int old = probe(oldTags, oldRefs, h, msb, lsb);
            entry = oldTags[old] == 0 ? -1 : oldRefs[old];
        }
        probedSlot = slot;
        probedEntry = entry;
        probedMsb = msb;
        probedLsb = lsb;
    }

    /** The slot of index {@code t, r} that refers to the id, or the empty slot where it would go. */
    private int probe(byte[] t, int[] r, long h, long msb, long lsb) {
        int mask = t.length - 1;
        byte tag = tag(h);
        for (int i = (int) h & mask;; i = (i + 1) & mask) {
            byte b = t[i];
            if (b == 0) {
                return i;
            }
            if (b == tag) { // the entry is read only when the hash's byte agrees
                int entry = r[i];
                long[] e = pages[entry >>> pageShift];
                int at = (entry & pageMask) * STRIDE;
                if (e[at] == msb && e[at + 1] == lsb) {
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

    /**
     * Replaces the full index by one twice its size that holds no entry yet; the following puts move the entries
     * into it in the order they were kept. A move still under way ends here first (it does not with a few entries a
     * put: each move ends long before the new index is 2/3 full).
     */
    private void startGrowth() {
        finishMigration();
        byte[] t = tags;
        int[] r = refs;
        allocate(capacity * 2); // throws before anything changes when the index cannot double
        oldTags = t;
        oldRefs = r;
        migrated = 0;
        migrationEnd = uuidCount;
    }

    /** Moves up to {@code count} more entries into the growing index, and drops the old index after the last. */
    private void migrate(int count) {
        int end = (int) Math.min((long) migrated + count, migrationEnd);
        for (int entry = migrated; entry < end; entry++) {
            place(entry);
        }
        migrated = end;
        if (end == migrationEnd) {
            oldTags = null;
            oldRefs = null;
        }
        probedSlot = -1; // the probed empty slot may be taken now
    }

    private void finishMigration() {
        if (oldTags != null) {
            migrate(migrationEnd - migrated);
        }
    }

    /** Adds an entry that the index does not hold yet, at the end of its probe run. */
    private void place(int entry) {
        long[] e = pages[entry >>> pageShift];
        int at = (entry & pageMask) * STRIDE;
        long h = hash(e[at], e[at + 1]);
        int mask = capacity - 1;
        byte[] t = tags;
        int i = (int) h & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = tag(h);
        refs[i] = entry;
    }

    private void addPage() {
        if (pageCount == pages.length) {
            pages = Arrays.copyOf(pages, pageCount * 2);
            shared = Arrays.copyOf(shared, pageCount * 2);
        }
        pages[pageCount++] = new long[STRIDE << pageShift]; // a new page: no view reads it
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
