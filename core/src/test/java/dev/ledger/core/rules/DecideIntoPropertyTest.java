package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ReasonCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The hot path ({@link Ledger#decideInto}) against the implementation it replaced ({@link LegacyLedger}): over random
 * and adversarial records (valid events of every kind, non-ASCII and oversize strings, invalid UTF-8, truncated and
 * bit-flipped records, unknown, repeated and reordered fields, non-canonical varints, explicit defaults, overflow
 * amounts, resends and reused ids), every decision's bytes equal the old {@code Decision.toByteArray()}, and the two
 * ledgers hold the same accounts afterwards. {@link EventValidator} is compared with its old copy on every record that
 * parses.
 */
class DecideIntoPropertyTest {

    /** The first eight may be opened; ids past 16 bytes (ASCII and not) and a twin of one that is never opened. */
    private static final String[] ACCOUNTS = {"a1", "a2", "customer-account-000003", "bank", "fee", "tax", "ünï",
        "Ωmega-àccount-long-id", "", "x".repeat(129), "ghost", "customer-account-000004"};
    private static final String[] CURRENCIES = {"EUR", "USD", "EUR", "eur", "EU", "EURO", "ÉUR", ""};

    @Provide
    Arbitrary<List<Long>> seeds() {
        return Arbitraries.longs().list().ofMinSize(1).ofMaxSize(150);
    }

    private static final Set<ReasonCode> REASONS_SEEN = EnumSet.noneOf(ReasonCode.class);

    @AfterContainer
    static void everyReasonCodeWasReached() {
        Set<ReasonCode> all = EnumSet.allOf(ReasonCode.class);
        all.remove(ReasonCode.UNRECOGNIZED);
        assertThat(REASONS_SEEN).as("reason codes the generator reached").isEqualTo(all);
    }

    @Property(tries = 400, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void decideIntoWritesTheOldDecisionBytes(@ForAll("seeds") List<Long> seeds, @ForAll long setupSeed)
            throws InvalidProtocolBufferException {
        Records records = new Records(new Random(setupSeed));
        List<byte[]> values = new ArrayList<>(records.preamble());
        for (long seed : seeds) {
            values.add(records.next(new Random(seed)));
        }
        checkAgainstLegacy(values, new Random(setupSeed ^ 0x5DEECE66DL));
    }

    /**
     * The rarest outcome for the generator, an overflowing balance, in a fixed sequence through the same comparison,
     * so that {@link #everyReasonCodeWasReached} does not depend on the run's random seeds.
     */
    @Example
    void anOverflowingTopUpWritesTheOldDecisionBytes() throws InvalidProtocolBufferException {
        checkAgainstLegacy(List.of(
                Records.event("ov-1", 10, Records.create("a", "EUR", "A", 1)),
                Records.event("ov-2", 10, Records.create("bank", "EUR", "Bank", 4)),
                Records.event("ov-3", 11, Records.topUp("a", "bank", Long.MAX_VALUE - 5, "EUR")),
                Records.event("ov-4", 11, Records.topUp("a", "bank", 10, "EUR"))), new Random(1));
        assertThat(REASONS_SEEN).contains(ReasonCode.REASON_AMOUNT_OVERFLOW);
    }

    private static void checkAgainstLegacy(List<byte[]> values, Random positions)
            throws InvalidProtocolBufferException {
        Ledger ledger = new Ledger();
        LegacyLedger legacy = new LegacyLedger();
        Ledger follower = new Ledger();
        DecisionOut out = new DecisionOut();
        for (int i = 0; i < values.size(); i++) {
            byte[] value = values.get(i);
            int partition = positions.nextInt(5) == 0 ? -positions.nextInt(3) : positions.nextInt(64);
            long offset = positions.nextInt(4) == 0 ? positions.nextLong() : positions.nextInt(1_000_000);
            byte[] expected = legacy.decide(value, partition, offset).toByteArray();
            int n = ledger.decideInto(value, partition, offset, out);
            byte[] actual = Arrays.copyOf(out.buffer(), n);
            assertThat(HexFormat.of().formatHex(actual)).as("record %d: %s", i, HexFormat.of().formatHex(value))
                    .isEqualTo(HexFormat.of().formatHex(expected));
            Decision d = Decision.parseFrom(actual);
            assertThat(out.outcome()).isEqualTo(d.getOutcomeValue());
            assertThat(out.reasonCode()).isEqualTo(d.getReasonCodeValue());
            assertThat(out.duplicate()).isEqualTo(d.getDuplicate());
            Statistics.collect(d.getDuplicate() ? "duplicate" : d.getReasonCode());
            REASONS_SEEN.add(d.getReasonCode());
            follower.apply(d);
            assertThat(ledger.takeSnapshotRequest()).isEqualTo(legacy.takeSnapshotRequest());
            compareValidators(value);
        }
        assertThat(accountsOf(ledger)).isEqualTo(legacyAccountsOf(legacy));
        assertThat(LedgerState.of(follower)).isEqualTo(LedgerState.of(ledger));
        assertThat(ledger.nextSequence()).isEqualTo(legacy.nextSequence());
    }

    private static void compareValidators(byte[] value) {
        MutationEvent event;
        try {
            event = MutationEvent.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        assertThat(new EventValidator().validate(event)).isEqualTo(new LegacyEventValidator().validate(event));
    }

    private static Map<String, String> accountsOf(Ledger ledger) {
        Map<String, String> m = new TreeMap<>();
        ledger.accounts().forEach((id, a) -> m.put(id, a.currency() + " " + a.group() + " " + a.displayName() + " "
                + a.balanceMinor() + " " + a.lastSequence() + " " + a.lastEventId()));
        return m;
    }

    private static Map<String, String> legacyAccountsOf(LegacyLedger ledger) {
        Map<String, String> m = new TreeMap<>();
        ledger.accounts().forEach((id, a) -> m.put(id, a.currency() + " " + a.group() + " " + a.displayName() + " "
                + a.balanceMinor + " " + a.lastSequence + " " + a.lastEventId));
        return m;
    }

    /** Makes records, remembering the ones made for resends, reuses and field splicing. */
    private static final class Records {

        private final Random setup;
        private final List<byte[]> sent = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();
        private int fresh;

        Records(Random setup) {
            this.setup = setup;
        }

        List<byte[]> preamble() {
            List<byte[]> p = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String account = ACCOUNTS[i];
                int group = account.equals("bank") ? 4 : account.equals("fee") ? 2 : account.equals("tax") ? 3 : 1;
                if (setup.nextInt(6) != 0) {
                    p.add(remember(event(uuid(), 10, create(account, "EUR", name(setup), group))));
                }
            }
            for (int i = 0; i < 3; i++) {
                p.add(remember(event(uuid(), 11, topUp(ACCOUNTS[i], "bank", 1_000 + setup.nextInt(100_000), "EUR"))));
            }
            return p;
        }

        byte[] next(Random r) {
            int kind = r.nextInt(100);
            byte[] value;
            if (kind < 8 && !sent.isEmpty()) {
                value = sent.get(r.nextInt(sent.size())); // resend
            } else if (kind < 12) {
                value = new byte[r.nextInt(20)];
                r.nextBytes(value); // garbage
            } else {
                value = event(kind < 18 && !ids.isEmpty() ? ids.get(r.nextInt(ids.size())) : id(r), bodyField(r),
                        body(r));
                if (r.nextInt(4) == 0) {
                    value = damage(value, r);
                }
            }
            return remember(value);
        }

        private byte[] remember(byte[] value) {
            sent.add(value);
            return value;
        }

        private String uuid() {
            String id = new UUID(setup.nextLong(), setup.nextLong()).toString();
            ids.add(id);
            return id;
        }

        private String id(Random r) {
            return switch (r.nextInt(12)) {
                case 0 -> "evt-" + fresh++;
                case 1 -> "";
                case 2 -> "é-" + fresh++;
                case 3 -> "y".repeat(60 + r.nextInt(10));
                case 4 -> ids.isEmpty() ? "u" : ids.get(r.nextInt(ids.size())).toUpperCase();
                case 5 -> new UUID(r.nextLong(), r.nextLong()).toString().replace('-', 'g');
                default -> {
                    String id = new UUID(r.nextLong(), r.nextLong()).toString();
                    ids.add(id);
                    yield id;
                }
            };
        }

        private static int bodyField(Random r) {
            int k = r.nextInt(20);
            return k < 3 ? 10 : k < 7 ? 11 : k < 17 ? 12 : k < 18 ? 13 : k < 19 ? 0 : 10 + r.nextInt(4);
        }

        private static byte[] body(Random r) {
            int kind = r.nextInt(4);
            return switch (kind) {
                case 0 -> create(account(r), currency(r), name(r), r.nextInt(10) == 0 ? r.nextInt(8) - 1
                        : 1 + r.nextInt(4));
                case 1 -> topUp(account(r), r.nextBoolean() ? "bank" : account(r), amount(r), currency(r));
                case 2 -> snapshot(r.nextBoolean() ? "" : name(r));
                default -> transfer(r);
            };
        }

        /** Mostly an account the preamble may have opened. */
        private static String account(Random r) {
            return ACCOUNTS[r.nextInt(4) != 0 ? r.nextInt(8) : r.nextInt(ACCOUNTS.length)];
        }

        private static String currency(Random r) {
            return r.nextInt(3) != 0 ? "EUR" : CURRENCIES[r.nextInt(CURRENCIES.length)];
        }

        private static String name(Random r) {
            return switch (r.nextInt(6)) {
                case 0 -> "";
                case 1 -> "Ünïcödé 名前 😀";
                case 2 -> "n".repeat(250 + r.nextInt(10));
                case 3 -> "€".repeat(80 + r.nextInt(10));
                default -> "Name " + r.nextInt(100);
            };
        }

        private static long amount(Random r) {
            return switch (r.nextInt(12)) {
                case 0 -> 0;
                case 1 -> -1 - r.nextInt(1000);
                case 2 -> Long.MAX_VALUE - r.nextInt(1000);
                case 3 -> Long.MIN_VALUE + r.nextInt(3);
                case 4 -> Long.MAX_VALUE / 2 + r.nextInt(1000);
                default -> 1 + r.nextInt(5_000);
            };
        }

        private static byte[] transfer(Random r) {
            Writer w = new Writer();
            long amount = amount(r);
            long fee = r.nextInt(3) == 0 ? 0 : r.nextInt(5) == 0 ? amount(r) : Math.abs(amount / 10);
            long tax = r.nextInt(3) == 0 ? 0 : r.nextInt(5) == 0 ? amount(r) : Math.abs(amount / 20);
            w.string(1, account(r)).string(2, account(r)).int64(3, amount).int64(4, fee)
                    .string(5, r.nextInt(4) == 0 ? "" : r.nextBoolean() ? "fee" : account(r)).int64(6, tax)
                    .string(7, r.nextInt(4) == 0 ? "" : r.nextBoolean() ? "tax" : account(r)).string(8, currency(r));
            return w.toBytes();
        }

        private static byte[] create(String account, String currency, String name, int group) {
            return new Writer().string(1, account).string(2, currency).string(3, name).int64(4, group).toBytes();
        }

        private static byte[] topUp(String account, String settlement, long amount, String currency) {
            return new Writer().string(1, account).string(2, settlement).int64(3, amount).string(4, currency).toBytes();
        }

        private static byte[] snapshot(String label) {
            return new Writer().string(1, label).toBytes();
        }

        private static byte[] event(String id, int bodyField, byte[] body) {
            Writer w = new Writer().string(1, id);
            if (bodyField != 0) {
                w.bytes(bodyField, body);
            }
            return w.toBytes();
        }

        /** Adversarial edits of a well-formed record. */
        private byte[] damage(byte[] value, Random r) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            switch (r.nextInt(10)) {
                case 0 -> { // truncated
                    return Arrays.copyOf(value, r.nextInt(Math.max(1, value.length)));
                }
                case 1 -> { // one byte changed
                    byte[] v = value.clone();
                    if (v.length > 0) {
                        v[r.nextInt(v.length)] = (byte) r.nextInt(256);
                    }
                    return v;
                }
                case 2 -> { // an unknown field, at the top or inside the body
                    b.writeBytes(value);
                    b.writeBytes(new Writer().int64(r.nextBoolean() ? 99 : 2 + r.nextInt(8), r.nextInt(300)).toBytes());
                    return b.toByteArray();
                }
                case 3 -> { // a field repeated: another record's fields appended (last one wins, bodies merge)
                    b.writeBytes(value);
                    b.writeBytes(sent.isEmpty() ? value : sent.get(r.nextInt(sent.size())));
                    return b.toByteArray();
                }
                case 4 -> { // body first, then the id
                    b.writeBytes(new Writer().bytes(12, transfer(r)).toBytes());
                    b.writeBytes(new Writer().string(1, id(r)).toBytes());
                    return b.toByteArray();
                }
                case 5 -> { // non-canonical varints: a padded length and a padded amount
                    Writer w = new Writer();
                    w.raw(1 << 3 | 2).raw(0x80 | 3).raw(0x80).raw(0);
                    w.b.writeBytes("abc".getBytes(StandardCharsets.UTF_8));
                    byte[] t = new Writer().string(1, "a1").raw(3 << 3).raw(0x85).raw(0x80).raw(0x80).raw(0)
                            .string(2, "a2").string(8, "EUR").toBytes();
                    w.raw(12 << 3 | 2).raw(t.length).b.writeBytes(t);
                    return w.toBytes();
                }
                case 6 -> { // invalid or edge UTF-8 inside the id or an account id
                    byte[][] odd = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82},
                        {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, {(byte) 0xEF, (byte) 0xBF, (byte) 0xBF},
                        {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF}, {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF}};
                    byte[] s = odd[r.nextInt(odd.length)];
                    Writer t = new Writer().raw(1 << 3 | 2).raw(s.length + 1).raw('a');
                    t.b.writeBytes(s);
                    t.string(2, "a2").int64(3, 5).string(8, "EUR");
                    byte[] tb = t.toBytes();
                    return r.nextBoolean() ? new Writer().string(1, id(r)).bytes(12, tb).toBytes()
                            : new Writer().raw(1 << 3 | 2).raw(s.length).bytes(s).bytes(12, transfer(r)).toBytes();
                }
                case 7 -> { // explicit defaults and an empty body
                    return new Writer().string(1, id(r)).bytes(10 + r.nextInt(4), new Writer().raw(3 << 3).raw(0)
                            .toBytes()).toBytes();
                }
                case 8 -> { // a 10-byte varint with high bits, and an over-long one
                    Writer t = new Writer().string(1, "a1").string(2, "bank").raw(3 << 3);
                    for (int i = 0; i < 9; i++) {
                        t.raw(0xFF);
                    }
                    t.raw(r.nextBoolean() ? 0x01 : 0x7F).string(4, "EUR");
                    return new Writer().string(1, id(r)).bytes(11, t.toBytes()).toBytes();
                }
                default -> { // a wrong wire type for a known field, or a group
                    byte[] v = new Writer().string(1, id(r)).toBytes();
                    b.writeBytes(v);
                    int wireType = r.nextBoolean() ? 0 : 3;
                    b.writeBytes(new Writer().raw(12 << 3 | wireType).raw(1).raw(12 << 3 | 4).toBytes());
                    return b.toByteArray();
                }
            }
        }
    }

    /** A minimal protobuf writer, so the test can write what no generated builder would. */
    private static final class Writer {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Writer raw(int v) {
            b.write(v);
            return this;
        }

        Writer varint(long v) {
            while ((v & ~0x7FL) != 0) {
                b.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            b.write((int) v);
            return this;
        }

        Writer string(int field, String s) {
            return s.isEmpty() ? this : bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Writer bytes(int field, byte[] v) {
            varint(field << 3 | 2).varint(v.length);
            b.writeBytes(v);
            return this;
        }

        Writer bytes(byte[] v) {
            b.writeBytes(v);
            return this;
        }

        Writer int64(int field, long v) {
            return v == 0 ? this : varint(field << 3).varint(v);
        }

        byte[] toBytes() {
            return b.toByteArray();
        }
    }
}
