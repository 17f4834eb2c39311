package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link IdTable} against a {@link HashMap}: random puts of new ids, ids kept again in place, the ledger's lookup
 * then put of one id, unknown ids and text ids, through several growths of the index (each moved a few entries a
 * put) and many page boundaries; small pages and steps, and the real ones once.
 */
class IdTablePropertyTest {

    /** What the reference keeps per id. */
    private record Kept(long bodyHash, long sequence, int code) {
    }

    private final Map<String, Kept> uuids = new HashMap<>();
    private final List<String> uuidOrder = new ArrayList<>(); // first kept first
    private final Map<String, Kept> texts = new HashMap<>();
    private long sequence;

    @ParameterizedTest(name = "pageShift={0} migrateStep={1}")
    @CsvSource({"2, 1, 20000", "2, 3, 20000", "0, 2, 8000", "3, 16, 20000", "2, 0, 20000",
            IdTable.PAGE_SHIFT + ", " + IdTable.MIGRATE_STEP + ", 40000"})
    void matchesAMapThroughGrowthsAndPageBoundaries(int pageShift, int migrateStep, int steps) {
        IdTable table = new IdTable(pageShift, migrateStep);
        SplittableRandom random = new SplittableRandom(pageShift * 31L + migrateStep);
        int migratingSteps = 0;
        for (int step = 0; step < steps; step++) {
            int op = random.nextInt(100);
            if (op < 35) { // a new UUID, by its text or its longs
                String id = newUuid(random);
                Kept k = next(random);
                if (random.nextBoolean()) {
                    table.put(id, k.bodyHash, k.sequence, k.code);
                } else {
                    table.putUuid(Uuids.msb(id), Uuids.lsb(id), k.bodyHash, k.sequence, k.code);
                }
                keep(id, k);
            } else if (op < 50) { // decide(): a lookup that misses, then the put of the same id
                String id = newUuid(random);
                assertThat(table.lookupUuid(Uuids.msb(id), Uuids.lsb(id))).as(id).isFalse();
                Kept k = next(random);
                table.putUuid(Uuids.msb(id), Uuids.lsb(id), k.bodyHash, k.sequence, k.code);
                keep(id, k);
            } else if (op < 60 && !uuidOrder.isEmpty()) { // kept again in place
                String id = uuidOrder.get(random.nextInt(uuidOrder.size()));
                Kept k = next(random);
                table.putUuid(Uuids.msb(id), Uuids.lsb(id), k.bodyHash, k.sequence, k.code);
                keep(id, k);
            } else if (op < 68 && !uuidOrder.isEmpty()) { // a lookup that hits, then the put of the same id
                String id = uuidOrder.get(random.nextInt(uuidOrder.size()));
                assertFound(table, id, uuids.get(id));
                Kept k = next(random);
                table.putUuid(Uuids.msb(id), Uuids.lsb(id), k.bodyHash, k.sequence, k.code);
                keep(id, k);
            } else if (op < 80 && !uuidOrder.isEmpty()) {
                String id = uuidOrder.get(random.nextInt(uuidOrder.size()));
                assertFound(table, id, uuids.get(id));
            } else if (op < 88) {
                assertThat(table.lookup(newUuid(random))).isFalse();
            } else if (op < 95) { // a text id, new or again; the upper-case spelling of a UUID is one too
                String id = random.nextInt(4) == 0 && !uuidOrder.isEmpty()
                        ? uuidOrder.get(random.nextInt(uuidOrder.size())).toUpperCase()
                        : "order-" + random.nextInt(2_000);
                Kept k = next(random);
                table.put(id, k.bodyHash, k.sequence, k.code);
                texts.put(id, k);
            } else {
                String id = "order-" + random.nextInt(2_000);
                Kept k = texts.get(id);
                if (k == null) {
                    assertThat(table.lookup(id)).isFalse();
                } else {
                    assertFound(table, id, k);
                }
            }
            if (table.pendingMigration() > 0) {
                migratingSteps++;
            }
            if (step % 2_000 == 1_999 || step == steps - 1) {
                assertHoldsTheReference(table);
            }
        }
        assertThat(uuidOrder.size()).as("several growths of the index").isGreaterThan(2_731);
        assertThat(uuidOrder.size() >> pageShift).as("many pages").isGreaterThan(1);
        assertThat(migratingSteps).as("steps while the index grew").isPositive();
    }

    @Test
    void everyIdIsFoundAfterEveryStepOfAMove() {
        IdTable table = new IdTable(2, 1);
        SplittableRandom random = new SplittableRandom(5);
        int migratingSteps = 0;
        for (int i = 0; i < 3_000; i++) { // three growths: 683, 1366 and 2731 ids
            String id = newUuid(random);
            Kept k = next(random);
            table.putUuid(Uuids.msb(id), Uuids.lsb(id), k.bodyHash, k.sequence, k.code);
            keep(id, k);
            if (table.pendingMigration() > 0) {
                migratingSteps++;
                if (i % 2 == 0) { // an id kept again in place while it may be in the old index only
                    String again = uuidOrder.get(random.nextInt(uuidOrder.size()));
                    Kept changed = next(random);
                    table.putUuid(Uuids.msb(again), Uuids.lsb(again), changed.bodyHash, changed.sequence,
                            changed.code);
                    keep(again, changed);
                }
            }
            for (String kept : uuidOrder) { // assertFound for all would take minutes
                Kept expected = uuids.get(kept);
                if (!table.lookup(kept) || table.foundBodyHash() != expected.bodyHash
                        || table.foundSequence() != expected.sequence || table.foundCode() != expected.code) {
                    assertFound(table, kept, expected); // says what differs
                }
            }
            assertThat(table.lookup(newUuid(random))).isFalse();
        }
        assertThat(table.uuidCount()).isEqualTo(3_000);
        assertThat(migratingSteps).isGreaterThan(1_000);
        assertHoldsTheReference(table);
    }

    private Kept next(SplittableRandom random) {
        return new Kept(random.nextLong(), sequence++, 1 + random.nextInt(255));
    }

    private void keep(String uuid, Kept k) {
        if (uuids.put(uuid, k) == null) {
            uuidOrder.add(uuid);
        }
    }

    /** A UUID the reference does not hold; some share half their bits with one it holds. */
    private String newUuid(SplittableRandom random) {
        while (true) {
            String id;
            if (random.nextInt(10) == 0 && !uuidOrder.isEmpty()) {
                String other = uuidOrder.get(random.nextInt(uuidOrder.size()));
                id = random.nextBoolean() ? Uuids.format(Uuids.msb(other), random.nextLong())
                        : Uuids.format(random.nextLong(), Uuids.lsb(other));
            } else {
                id = Uuids.format(random.nextLong(), random.nextLong());
            }
            if (!uuids.containsKey(id)) {
                return id;
            }
        }
    }

    private static void assertFound(IdTable table, String id, Kept k) {
        assertThat(table.lookup(id)).as(id).isTrue();
        assertThat(new Kept(table.foundBodyHash(), table.foundSequence(), table.foundCode())).as(id).isEqualTo(k);
    }

    /** Every id found with its values, and forEach: the UUIDs in the order first kept, then the text ids. */
    private void assertHoldsTheReference(IdTable table) {
        assertThat(table.uuidCount()).isEqualTo(uuidOrder.size());
        assertThat(table.size()).isEqualTo(uuidOrder.size() + texts.size());
        uuids.forEach((id, k) -> assertFound(table, id, k));
        texts.forEach((id, k) -> assertFound(table, id, k));
        List<String> expected = new ArrayList<>();
        for (String id : uuidOrder) {
            expected.add(line(id, uuids.get(id)));
        }
        List<String> seen = new ArrayList<>();
        Map<String, Kept> seenTexts = new HashMap<>();
        table.forEach(new IdTable.Visitor() {
            @Override
            public void uuid(long msb, long lsb, long bodyHash, long sequence, int code) {
                assertThat(seenTexts).as("UUIDs come first").isEmpty();
                seen.add(line(Uuids.format(msb, lsb), new Kept(bodyHash, sequence, code)));
            }

            @Override
            public void text(String id, long bodyHash, long sequence, int code) {
                assertThat(seenTexts.put(id, new Kept(bodyHash, sequence, code))).isNull();
            }
        });
        assertThat(seen).isEqualTo(expected);
        assertThat(seenTexts).isEqualTo(texts);
    }

    private static String line(String id, Kept k) {
        return id + " " + k.bodyHash + " " + k.sequence + " " + k.code;
    }
}
