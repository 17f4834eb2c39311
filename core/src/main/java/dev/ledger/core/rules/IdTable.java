package dev.ledger.core.rules;

import java.util.HashMap;
import java.util.Map;

/**
 * Every event id the ledger has decided, kept for the whole history, with what is needed to answer a resend: the
 * body fingerprint (to tell a resend from a reuse), the original decision's sequence and its outcome and reason.
 *
 * <p>Ids in the canonical lowercase UUID text form (what the SDK generates) are stored as two longs in an
 * open-addressing table of parallel arrays: 8 + 8 + 8 + 8 + 1 bytes per slot, at most 2/3 full, so about 50 bytes
 * per id and no object per id. Any other id (up to 64 bytes) goes to a plain map. Not thread-safe: owned by the
 * thread that runs the {@link Ledger}.
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

    private long[] msbs;
    private long[] lsbs;
    private long[] hashes;
    private long[] sequences;
    private byte[] codes; // 0 = empty slot; otherwise Verdicts.code(outcome, reason), never 0
    private int uuidCount;
    private final Map<String, Kept> others = new HashMap<>();

    // The result of the last successful lookup (single-threaded, so a flyweight instead of an allocation).
    private long foundHash;
    private long foundSequence;
    private int foundCode;

    // The last id parsed, by reference: decide() looks an id up and then puts the same String, so it is parsed once.
    private String parsedId;
    private boolean parsedIsUuid;
    private long parsedMsb;
    private long parsedLsb;

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
        if (parse(id)) {
            int slot = slotOf(parsedMsb, parsedLsb);
            if (codes[slot] == 0) {
                return false;
            }
            foundHash = hashes[slot];
            foundSequence = sequences[slot];
            foundCode = codes[slot];
            return true;
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
        if (parse(id)) {
            putUuid(parsedMsb, parsedLsb, bodyHash, sequence, code);
        } else {
            others.put(id, new Kept(bodyHash, sequence, code));
        }
    }

    public void putUuid(long msb, long lsb, long bodyHash, long sequence, int code) {
        if (code == 0) {
            throw new IllegalArgumentException("code must not be 0");
        }
        if ((uuidCount + 1) * 3L > codes.length * 2L) {
            grow();
        }
        int slot = slotOf(msb, lsb);
        if (codes[slot] == 0) {
            uuidCount++;
        }
        msbs[slot] = msb;
        lsbs[slot] = lsb;
        hashes[slot] = bodyHash;
        sequences[slot] = sequence;
        codes[slot] = (byte) code;
    }

    /** Grows the UUID table now so that {@code expectedIds} fit without growing again (e.g. before a bulk load). */
    public void reserve(long expectedIds) {
        long capacity = codes.length;
        while ((expectedIds + 1) * 3L > capacity * 2L) {
            capacity *= 2;
        }
        if (capacity > Integer.MAX_VALUE / 2 + 1) {
            throw new IllegalArgumentException("too many ids for one table: " + expectedIds);
        }
        while (codes.length < capacity) {
            grow();
        }
    }

    public void forEach(Visitor visitor) {
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] != 0) {
                visitor.uuid(msbs[i], lsbs[i], hashes[i], sequences[i], codes[i]);
            }
        }
        others.forEach((id, k) -> visitor.text(id, k.bodyHash, k.sequence, k.code));
    }

    /** Bytes of the UUID table's arrays (not counting the map of other ids); for the memory report. */
    public long uuidTableBytes() {
        return (long) codes.length * (8 * 4 + 1);
    }

    /** Whether id is UUID-shaped; if so its bits are in parsedMsb and parsedLsb. */
    private boolean parse(String id) {
        if (id != parsedId) { // Strings are immutable: the same instance parses the same
            parsedIsUuid = Uuids.isUuid(id);
            if (parsedIsUuid) {
                parsedMsb = Uuids.msb(id);
                parsedLsb = Uuids.lsb(id);
            }
            parsedId = id;
        }
        return parsedIsUuid;
    }

    private int slotOf(long msb, long lsb) {
        int mask = codes.length - 1;
        int slot = (int) mix(msb, lsb) & mask;
        while (codes[slot] != 0 && (msbs[slot] != msb || lsbs[slot] != lsb)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static long mix(long msb, long lsb) {
        long h = msb * 0x9E3779B97F4A7C15L ^ lsb;
        h ^= h >>> 33;
        h *= 0xC2B2AE3D27D4EB4FL;
        return h ^ (h >>> 29);
    }

    private void grow() {
        long[] oldMsbs = msbs;
        long[] oldLsbs = lsbs;
        long[] oldHashes = hashes;
        long[] oldSequences = sequences;
        byte[] oldCodes = codes;
        allocate(oldCodes.length * 2);
        uuidCount = 0;
        for (int i = 0; i < oldCodes.length; i++) {
            if (oldCodes[i] != 0) {
                int slot = slotOf(oldMsbs[i], oldLsbs[i]);
                msbs[slot] = oldMsbs[i];
                lsbs[slot] = oldLsbs[i];
                hashes[slot] = oldHashes[i];
                sequences[slot] = oldSequences[i];
                codes[slot] = oldCodes[i];
                uuidCount++;
            }
        }
    }

    private void allocate(int capacity) {
        msbs = new long[capacity];
        lsbs = new long[capacity];
        hashes = new long[capacity];
        sequences = new long[capacity];
        codes = new byte[capacity];
    }
}
