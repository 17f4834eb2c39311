package dev.ledger.core.rules;

import dev.ledger.proto.MutationEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One mutation record read in a single pass over its bytes, reused from record to record: where each field's bytes
 * are, the amounts and the group, the body fingerprint ({@link BodyHash}'s definition) and, for a UUID-shaped
 * event_id, its two longs. No object is created per record.
 *
 * <p>{@link #decode} accepts only what it can read exactly as protobuf would: each known field at most once with its
 * wire type, at most one body, no unknown field, strings valid UTF-8, plain one-byte tags. Anything else returns
 * false and the ledger parses the record with protobuf, then {@link #load}s the parsed event here, so that both paths
 * reach the same rules. Not thread-safe: owned by the ledger's thread.
 */
final class MutationView implements EventFields {

    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final int MAX_FIELD = 8;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Per body field number (10..13): bit f set when field f is a string, resp. a varint. */
    private static final int[] STRINGS = new int[14];
    private static final int[] VARINTS = new int[14];

    static {
        STRINGS[MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER] = 1 << 1 | 1 << 2 | 1 << 3;
        VARINTS[MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER] = 1 << 4;
        STRINGS[MutationEvent.TOP_UP_FIELD_NUMBER] = 1 << 1 | 1 << 2 | 1 << 4;
        VARINTS[MutationEvent.TOP_UP_FIELD_NUMBER] = 1 << 3;
        STRINGS[MutationEvent.TRANSFER_FIELD_NUMBER] = 1 << 1 | 1 << 2 | 1 << 5 | 1 << 7 | 1 << 8;
        VARINTS[MutationEvent.TRANSFER_FIELD_NUMBER] = 1 << 3 | 1 << 4 | 1 << 6;
        STRINGS[MutationEvent.SNAPSHOT_FIELD_NUMBER] = 1 << 1;
    }

    /** False for a reader that never asks for {@link #bodyHash()} (the ingest server): the hashing is skipped. */
    private final boolean hashBody;

    private byte[] buf;
    private int idOff;
    private int idLen;
    private int body;
    private final int[] off = new int[MAX_FIELD + 1];
    private final int[] len = new int[MAX_FIELD + 1];
    private final long[] num = new long[MAX_FIELD + 1];
    private long bodyHash;
    private boolean uuid;
    private long msb;
    private long lsb;

    // The decoder's cursor; a varint read sets it past the varint.
    private int pos;
    private boolean bad;

    private byte[] scratch = new byte[256];
    private final long[] pair = new long[2];

    /** A reader that also computes the body fingerprint, as the ledger needs. */
    MutationView() {
        this(true);
    }

    /** @param hashBody whether {@link #decode} computes the body fingerprint ({@link #bodyHash()} is 0 otherwise) */
    MutationView(boolean hashBody) {
        this.hashBody = hashBody;
    }

    /** Reads a record; false when it is not in the exact subset this reader handles (then parse it with protobuf). */
    boolean decode(byte[] value) {
        buf = value;
        clear();
        pos = 0;
        bad = false;
        long h = FNV_OFFSET_BASIS;
        boolean seenId = false;
        int end = value.length;
        while (pos < end) {
            int start = pos;
            int tag = value[pos++];
            int field = tag >>> 3;
            if (tag <= 0 || (tag & 7) != 2) {
                return false; // a multi-byte tag, tag 0 or not length-delimited: no such known field
            }
            int n = length(value, end);
            if (bad) {
                return false;
            }
            if (field == MutationEvent.EVENT_ID_FIELD_NUMBER) {
                if (seenId) {
                    return false;
                }
                seenId = true;
                idOff = pos;
                idLen = n;
            } else if (field >= MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER
                    && field <= MutationEvent.SNAPSHOT_FIELD_NUMBER) {
                if (body != 0 || !decodeBody(value, field, pos, pos + n)) {
                    return false;
                }
                body = field;
            } else {
                return false;
            }
            pos += n;
            if (hashBody && field != MutationEvent.EVENT_ID_FIELD_NUMBER) {
                h = fnv(h, value, start, pos);
            }
        }
        bodyHash = hashBody ? h : 0;
        parseUuid();
        // A UUID-shaped id is ASCII; any other is checked here.
        return uuid || Utf8.isValid(value, idOff, idOff + idLen);
    }

    /**
     * FNV-1a of {@code b[from .. to)} continued from {@code h}. Each byte's step waits for the previous one (an xor
     * and a multiply), so the bytes are read eight at a time to leave the core free for the rest of the decision.
     */
    private static long fnv(long h, byte[] b, int from, int to) {
        int i = from;
        for (; to - i >= 8; i += 8) {
            long w = (long) LONGS.get(b, i);
            h = (h ^ (w & 0xff)) * FNV_PRIME;
            h = (h ^ (w >>> 8 & 0xff)) * FNV_PRIME;
            h = (h ^ (w >>> 16 & 0xff)) * FNV_PRIME;
            h = (h ^ (w >>> 24 & 0xff)) * FNV_PRIME;
            h = (h ^ (w >>> 32 & 0xff)) * FNV_PRIME;
            h = (h ^ (w >>> 40 & 0xff)) * FNV_PRIME;
            h = (h ^ (w >>> 48 & 0xff)) * FNV_PRIME;
            h = (h ^ (w >>> 56)) * FNV_PRIME;
        }
        for (; i < to; i++) {
            h = (h ^ (b[i] & 0xff)) * FNV_PRIME;
        }
        return h;
    }

    /** Takes an event protobuf parsed (the fallback path); {@code hash} is {@link BodyHash#of} the record. */
    void load(MutationEvent event, long hash) {
        clear();
        int at = 0;
        at = put(at, 0, event.getEventId());
        idOff = off[0];
        idLen = len[0];
        off[0] = 0;
        len[0] = 0;
        body = event.getBodyCase().getNumber();
        switch (event.getBodyCase()) {
            case CREATE_ACCOUNT -> {
                var c = event.getCreateAccount();
                at = put(at, 1, c.getAccountId());
                at = put(at, 2, c.getCurrency());
                at = put(at, 3, c.getDisplayName());
                num[4] = c.getGroupValue();
            }
            case TOP_UP -> {
                var t = event.getTopUp();
                at = put(at, 1, t.getAccountId());
                at = put(at, 2, t.getSettlementAccountId());
                num[3] = t.getAmountMinor();
                at = put(at, 4, t.getCurrency());
            }
            case TRANSFER -> {
                var t = event.getTransfer();
                at = put(at, 1, t.getPayerAccountId());
                at = put(at, 2, t.getPayeeAccountId());
                num[3] = t.getAmountMinor();
                num[4] = t.getFeeMinor();
                at = put(at, 5, t.getFeeAccountId());
                num[6] = t.getTaxMinor();
                at = put(at, 7, t.getTaxAccountId());
                at = put(at, 8, t.getCurrency());
            }
            case SNAPSHOT -> put(at, 1, event.getSnapshot().getLabel());
            default -> {
            }
        }
        buf = scratch;
        bodyHash = hash;
        parseUuid();
    }

    private int put(int at, int field, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (scratch.length < at + b.length) {
            scratch = java.util.Arrays.copyOf(scratch, Math.max(scratch.length * 2, at + b.length));
        }
        System.arraycopy(b, 0, scratch, at, b.length);
        off[field] = at;
        len[field] = b.length;
        return at + b.length;
    }

    private void clear() {
        idOff = 0;
        idLen = 0;
        body = 0;
        for (int i = 0; i <= MAX_FIELD; i++) {
            off[i] = 0;
            len[i] = 0;
            num[i] = 0;
        }
    }

    private boolean decodeBody(byte[] value, int kind, int from, int end) {
        int strings = STRINGS[kind];
        int varints = VARINTS[kind];
        int seen = 0;
        pos = from;
        while (pos < end) {
            int tag = value[pos++];
            int field = tag >>> 3;
            if (tag <= 0 || field > MAX_FIELD || (seen & 1 << field) != 0) {
                return false;
            }
            seen |= 1 << field;
            if ((tag & 7) == 2 && (strings & 1 << field) != 0) {
                int n = length(value, end);
                if (bad || !Utf8.isValid(value, pos, pos + n)) {
                    return false;
                }
                off[field] = pos;
                len[field] = n;
                pos += n;
            } else if ((tag & 7) == 0 && (varints & 1 << field) != 0) {
                num[field] = varint(value, end);
                if (bad) {
                    return false;
                }
            } else {
                return false;
            }
        }
        pos = from; // the caller advances past the body
        return pos <= end;
    }

    /** A length prefix that fits before {@code end}; sets {@link #bad} otherwise. */
    private int length(byte[] value, int end) {
        long n = varint(value, end);
        if (bad || n < 0 || n > end - pos) {
            bad = true;
            return 0;
        }
        return (int) n;
    }

    /** A varint of at most 10 bytes, as protobuf reads an int64 (bits past 64 dropped); sets {@link #bad} otherwise. */
    private long varint(byte[] value, int end) {
        if (pos < end && value[pos] >= 0) {
            return value[pos++]; // one byte: every tag and length of an SDK record, small amounts
        }
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                bad = true;
                return 0;
            }
            int b = value[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                if (shift == 63 && b > 1) {
                    bad = true; // protobuf would accept it; rare enough to leave to protobuf
                }
                return result;
            }
        }
        bad = true;
        return 0;
    }

    private void parseUuid() {
        uuid = false;
        if (idLen != 36) {
            return;
        }
        byte[] b = buf;
        int o = idOff;
        if (b[o + 8] != '-' || b[o + 13] != '-' || b[o + 18] != '-' || b[o + 23] != '-') {
            return;
        }
        if (!Uuids.parse(b, o, pair, 0)) {
            return;
        }
        msb = pair[0];
        lsb = pair[1];
        uuid = true;
    }
    /**
     * The two longs of a record's event id when the record starts with it in the SDK's layout (tag, length 36, the
     * canonical UUID text), for {@link IdTable#prefetch}; false otherwise (then nothing is prefetched for it). A hint
     * only: the decision reads the record again in full.
     */
    static boolean peekUuid(byte[] value, long[] into, int at) {
        if (value.length < 38 || value[0] != (MutationEvent.EVENT_ID_FIELD_NUMBER << 3 | 2) || value[1] != 36) {
            return false;
        }
        return value[10] == '-' && value[15] == '-' && value[20] == '-' && value[25] == '-'
                && Uuids.parse(value, 2, into, at);
    }

    /**
     * Where a transfer's payer and payee ids, or a top-up's account and settlement ids, sit when the record is in the
     * SDK's layout (the event id of {@link #peekUuid} first, then the body with those two fields first); stores
     * offset and length of each at {@code offs[at]}, {@code lens[at]} and returns how many it found (0 or 2). A hint
     * only, for {@link Ledger#prefetch}.
     */
    static int peekAccounts(byte[] value, int[] offs, int[] lens, int at) {
        int p = 38;
        if (value.length < p + 4 || value[1] != 36 || value[p] != (MutationEvent.TRANSFER_FIELD_NUMBER << 3 | 2)
                && value[p] != (MutationEvent.TOP_UP_FIELD_NUMBER << 3 | 2)) {
            return 0;
        }
        p += value[p + 1] >= 0 ? 2 : 3; // past the tag and a body length of one or two bytes
        if (p + 2 > value.length || value[p] != (1 << 3 | 2) || value[p + 1] < 0) {
            return 0;
        }
        int first = value[p + 1];
        int q = p + 2 + first;
        if (q + 2 > value.length || value[q] != (2 << 3 | 2) || value[q + 1] < 0
                || q + 2 + value[q + 1] > value.length) {
            return 0;
        }
        offs[at] = p + 2;
        lens[at] = first;
        offs[at + 1] = q + 2;
        lens[at + 1] = value[q + 1];
        return 2;
    }

    // ------------------------------------------------------------------------------------------------- reading

    byte[] buffer() {
        return buf;
    }

    int eventIdOffset() {
        return idOff;
    }

    int eventIdLength() {
        return idLen;
    }

    boolean isUuid() {
        return uuid;
    }

    long msb() {
        return msb;
    }

    long lsb() {
        return lsb;
    }

    long bodyHash() {
        return bodyHash;
    }

    int offset(int field) {
        return off[field];
    }

    int length(int field) {
        return len[field];
    }

    @Override
    public String eventId() {
        return new String(buf, idOff, idLen, StandardCharsets.UTF_8);
    }

    @Override
    public int eventIdUtf8Bytes() {
        return idLen;
    }

    @Override
    public int bodyField() {
        return body;
    }

    @Override
    public String text(int field) {
        return new String(buf, off[field], len[field], StandardCharsets.UTF_8);
    }

    @Override
    public boolean isEmpty(int field) {
        return len[field] == 0;
    }

    @Override
    public boolean fitsUtf8(int field, int max) {
        return len[field] <= max;
    }

    @Override
    public int utf8Bytes(int field) {
        return len[field];
    }

    @Override
    public boolean isCurrencyCode(int field) {
        if (len[field] != 3) {
            return false;
        }
        for (int i = off[field]; i < off[field] + 3; i++) {
            if (buf[i] < 'A' || buf[i] > 'Z') {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean sameText(int field, int other) {
        return java.util.Arrays.equals(buf, off[field], off[field] + len[field],
                buf, off[other], off[other] + len[other]);
    }

    @Override
    public long amount(int field) {
        return num[field];
    }

    @Override
    public int groupValue() {
        return (int) num[4];
    }
}
