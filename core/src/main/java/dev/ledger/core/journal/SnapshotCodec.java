package dev.ledger.core.journal;

import dev.ledger.core.rules.Account;
import dev.ledger.core.rules.IdTable;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.AccountGroup;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The binary encoding of a {@link Ledger}'s state inside a snapshot: a header, the accounts, then the kept ids
 * (UUID-shaped ones as two longs, others as text), or none when the ids go to id segments
 * ({@link Rest#encodeSegment}: a header with the segment's sequence range, then the ids of that range). Big-endian,
 * as {@link java.io.DataOutputStream} writes it (through {@link BigEndianOut}, which writes the same bytes faster);
 * strings in modified UTF-8 (ids are at most 128 bytes). The state is versioned by {@link #FORMAT_VERSION}, a
 * segment by {@code SEGMENT_VERSION}; an unknown version is refused rather than misread. Thread-safe (stateless);
 * the ledger must not change during {@link #begin} (the part read on its owner's thread); the {@link Rest} may be
 * finished elsewhere while the ledger goes on.
 */
final class SnapshotCodec {

    static final int FORMAT_VERSION = 1;
    private static final int MAGIC = 0x4c444753; // "LDGS"
    private static final int UUID_ID = 1;
    private static final int TEXT_ID = 2;
    private static final int END = 0;
    /** An id segment: "LDGI", its own version, its sequence range, then entries as in a state. */
    private static final int SEGMENT_MAGIC = 0x4c444749;
    private static final int SEGMENT_VERSION = 1;

    private SnapshotCodec() {
    }

    static void encode(Ledger ledger, OutputStream sink) throws IOException {
        begin(ledger, sink).finish();
    }

    /**
     * Encodes the header and the accounts into {@code sink} now, and takes a {@link IdTable#freeze frozen view} of
     * the kept ids, whose encoding {@link Rest#finish} completes later, on any thread: the ledger may change as soon
     * as this returns. The accounts change in place, so they are encoded here; the ids, by far the most of a large
     * state, are appended and never moved, so their view costs next to nothing here. The ledger's owner only.
     */
    static Rest begin(Ledger ledger, OutputStream sink) throws IOException {
        BigEndianOut out = new BigEndianOut(sink);
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeLong(ledger.nextSequence());
        out.writeInt(ledger.accounts().size());
        for (Account a : ledger.accounts().values()) {
            out.writeUTF(a.id());
            out.writeUTF(a.currency());
            out.writeByte(a.group().getNumber());
            out.writeUTF(a.displayName());
            out.writeLong(a.balanceMinor());
            out.writeLong(a.lastSequence());
            out.writeUTF(a.lastEventId());
        }
        return new Rest(out, ledger.ids().freeze());
    }

    /** The part of an encoding {@link #begin} left: the kept ids as they were then, and the end mark. */
    static final class Rest {
        private final BigEndianOut out;
        private final IdTable.Frozen ids;

        private Rest(BigEndianOut out, IdTable.Frozen ids) {
            this.out = out;
            this.ids = ids;
        }

        /** Writes the ids and the end mark, and flushes (format 1: the whole state); once, on one thread at a time. */
        void finish() throws IOException {
            writeIds(ids, out, 0, Long.MAX_VALUE);
            out.writeByte(END);
            out.flush();
        }

        /** Writes the end mark without the ids, and flushes (format 2: the ids go to segments). */
        void finishWithoutIds() throws IOException {
            out.writeByte(END);
            out.flush();
        }

        /**
         * Encodes the kept ids whose original decision's sequence is in [{@code from}, {@code to}) as an id segment
         * into {@code sink}: a header naming the range, the ids, the end mark. Any thread, one at a time.
         *
         * @return how many ids it holds
         */
        long encodeSegment(OutputStream sink, long from, long to) throws IOException {
            BigEndianOut seg = new BigEndianOut(sink);
            seg.writeInt(SEGMENT_MAGIC);
            seg.writeInt(SEGMENT_VERSION);
            seg.writeLong(from);
            seg.writeLong(to);
            long count = writeIds(ids, seg, from, to);
            seg.writeByte(END);
            seg.flush();
            return count;
        }
    }

    /** Writes the ids of the view whose sequence is in [from, to) as entries; returns how many. */
    private static long writeIds(IdTable.Frozen ids, BigEndianOut out, long from, long to) throws IOException {
        IdWriter writer = new IdWriter(out, from, to);
        ids.forEach(writer);
        if (writer.failure != null) {
            throw writer.failure;
        }
        return writer.count;
    }

    /** One entry per id in the range: {@link IdTable.Visitor} cannot throw, so the first failure is kept. */
    private static final class IdWriter implements IdTable.Visitor {
        private final BigEndianOut out;
        private final long from;
        private final long to;
        long count;
        IOException failure;

        IdWriter(BigEndianOut out, long from, long to) {
            this.out = out;
            this.from = from;
            this.to = to;
        }

        @Override
        public void uuid(long msb, long lsb, long bodyHash, long sequence, int code) {
            if (sequence < from || sequence >= to || failure != null) {
                return;
            }
            try {
                out.writeByte(UUID_ID);
                out.writeLong(msb);
                out.writeLong(lsb);
                entryTail(bodyHash, sequence, code);
            } catch (IOException e) {
                failure = e;
            }
        }

        @Override
        public void text(String id, long bodyHash, long sequence, int code) {
            if (sequence < from || sequence >= to || failure != null) {
                return;
            }
            try {
                out.writeByte(TEXT_ID);
                out.writeUTF(id);
                entryTail(bodyHash, sequence, code);
            } catch (IOException e) {
                failure = e;
            }
        }

        private void entryTail(long bodyHash, long sequence, int code) throws IOException {
            out.writeLong(bodyHash);
            out.writeLong(sequence);
            out.writeByte(code);
            count++;
        }
    }

    /**
     * Decodes an id segment into {@code ids}, checking that it is the one of [{@code from}, {@code to}) and that
     * every id's sequence lies in it.
     *
     * @return how many ids it held
     * @throws IOException on a truncated, foreign or mismatched segment
     */
    static long decodeSegment(InputStream source, IdTable ids, long from, long to) throws IOException {
        DataInputStream in = new DataInputStream(source);
        if (in.readInt() != SEGMENT_MAGIC) {
            throw new IOException("not a ledger id segment (bad magic)");
        }
        int version = in.readInt();
        if (version != SEGMENT_VERSION) {
            throw new IOException("id segment format " + version + " is not supported (this core reads "
                    + SEGMENT_VERSION + ")");
        }
        long f = in.readLong();
        long t = in.readLong();
        if (f != from || t != to) {
            throw new IOException("id segment holds sequences [" + f + ", " + t + "), its manifest names [" + from
                    + ", " + to + ")");
        }
        return readIds(in, ids, from, to, "id segment [" + from + ", " + to + ")");
    }

    /**
     * Reads id entries up to the end mark into {@code ids}, each id's sequence checked to lie in [{@code from},
     * {@code to}); {@code what} names the encoding in errors. The entries of a state and of a segment are alike.
     *
     * @return how many ids it read
     */
    private static long readIds(DataInputStream in, IdTable ids, long from, long to, String what)
            throws IOException {
        long count = 0;
        while (true) {
            int kind = in.readByte();
            if (kind == END) {
                return count;
            }
            if (kind == UUID_ID) {
                long msb = in.readLong();
                long lsb = in.readLong();
                long bodyHash = in.readLong();
                long sequence = checkIn(in.readLong(), from, to, what);
                ids.putUuid(msb, lsb, bodyHash, sequence, in.readByte() & 0xff);
            } else if (kind == TEXT_ID) {
                String id = in.readUTF();
                long bodyHash = in.readLong();
                long sequence = checkIn(in.readLong(), from, to, what);
                ids.put(id, bodyHash, sequence, in.readByte() & 0xff);
            } else {
                throw new IOException(what + " has an unknown entry kind " + kind);
            }
            count++;
        }
    }

    private static long checkIn(long sequence, long from, long to, String what) throws IOException {
        if (sequence < from || sequence >= to) {
            throw new IOException(what + " holds an id of sequence " + sequence);
        }
        return sequence;
    }

    /** Decodes a state into a new ledger. @throws IOException on a truncated or foreign encoding */
    static Ledger decode(InputStream source) throws IOException {
        return decode(source, 0);
    }

    /**
     * Decodes a state whose manifest says it keeps {@code keptIds} ids. The id table is sized for them first: the
     * ids arrive in the order the writer kept them, but snapshots written before that arrive in the order of the
     * writer's table slots, i.e. sorted by hash, and inserting those into a smaller table that grows on the way
     * piles them into one long probe run (quadratic: a 9-million-id snapshot did not load in minutes).
     */
    static Ledger decode(InputStream source, long keptIds) throws IOException {
        DataInputStream in = new DataInputStream(source);
        if (in.readInt() != MAGIC) {
            throw new IOException("not a ledger snapshot (bad magic)");
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException("snapshot format " + version + " is not supported (this core reads "
                    + FORMAT_VERSION + ")");
        }
        Ledger ledger = new Ledger();
        ledger.restoreNextSequence(in.readLong());
        int accounts = in.readInt();
        for (int i = 0; i < accounts; i++) {
            String id = in.readUTF();
            String currency = in.readUTF();
            AccountGroup group = AccountGroup.forNumber(in.readByte());
            String displayName = in.readUTF();
            ledger.restoreAccount(id, currency, group, displayName, in.readLong(), in.readLong(), in.readUTF());
        }
        ledger.ids().reserve(keptIds);
        readIds(in, ledger.ids(), 0, ledger.nextSequence(), "snapshot");
        return ledger;
    }
}
