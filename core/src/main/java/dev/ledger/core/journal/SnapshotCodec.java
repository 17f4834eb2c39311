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
 * The binary encoding of a {@link Ledger}'s whole state inside a snapshot: a header, the accounts, then the kept ids
 * (UUID-shaped ones as two longs, others as text). Big-endian, as {@link java.io.DataOutputStream} writes it (through
 * {@link BigEndianOut}, which writes the same bytes faster); strings in modified
 * UTF-8 (ids are at most 128 bytes). The format is versioned by {@link #FORMAT_VERSION}; an unknown version is
 * refused rather than misread. Thread-safe (stateless); the ledger must not change during {@link #begin} (the
 * part read on its owner's thread); {@link Rest#finish} may run elsewhere while the ledger goes on.
 */
final class SnapshotCodec {

    static final int FORMAT_VERSION = 1;
    private static final int MAGIC = 0x4c444753; // "LDGS"
    private static final int UUID_ID = 1;
    private static final int TEXT_ID = 2;
    private static final int END = 0;

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

        /** Writes the ids and the end mark, and flushes; once, on one thread at a time. */
        void finish() throws IOException {
            IOException[] failure = new IOException[1];
            ids.forEach(new IdTable.Visitor() {
                @Override
                public void uuid(long msb, long lsb, long bodyHash, long sequence, int code) {
                    try {
                        out.writeByte(UUID_ID);
                        out.writeLong(msb);
                        out.writeLong(lsb);
                        out.writeLong(bodyHash);
                        out.writeLong(sequence);
                        out.writeByte(code);
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                }

                @Override
                public void text(String id, long bodyHash, long sequence, int code) {
                    try {
                        out.writeByte(TEXT_ID);
                        out.writeUTF(id);
                        out.writeLong(bodyHash);
                        out.writeLong(sequence);
                        out.writeByte(code);
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            out.writeByte(END);
            out.flush();
        }
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
        IdTable ids = ledger.ids();
        ids.reserve(keptIds);
        while (true) {
            int kind = in.readByte();
            if (kind == END) {
                return ledger;
            } else if (kind == UUID_ID) {
                ids.putUuid(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readByte() & 0xff);
            } else if (kind == TEXT_ID) {
                ids.put(in.readUTF(), in.readLong(), in.readLong(), in.readByte() & 0xff);
            } else {
                throw new IOException("snapshot has an unknown entry kind " + kind);
            }
        }
    }
}
