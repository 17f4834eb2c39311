package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdTableTest {

    private static String uuid(Random random) {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    @Test
    void everyEntrySurvivesManyResizes() {
        IdTable table = new IdTable();
        long initialBytes = table.uuidTableBytes();
        Random random = new Random(42);
        Map<String, Long> kept = new HashMap<>();
        int uuids = 200_000; // the table starts at 1024 slots: about eight doublings
        for (int i = 0; i < uuids; i++) {
            String id = uuid(random);
            table.put(id, id.hashCode() * 31L, i, 1 + i % 72);
            kept.put(id, (long) i);
        }
        for (int i = 0; i < 1_000; i++) {
            String id = "order-" + i;
            table.put(id, i * 7L, uuids + i, 1 + i % 72);
            kept.put(id, (long) (uuids + i));
        }

        assertThat(table.size()).isEqualTo(kept.size());
        assertThat(table.uuidCount()).isEqualTo(uuids);
        assertThat(table.uuidTableBytes()).isGreaterThan(initialBytes * 128);
        kept.forEach((id, sequence) -> {
            assertThat(table.lookup(id)).as(id).isTrue();
            assertThat(table.foundSequence()).isEqualTo(sequence);
            assertThat(table.foundCode()).isEqualTo(1 + (int) (sequence < uuids ? sequence % 72 : (sequence - uuids) % 72));
            assertThat(table.foundBodyHash()).isEqualTo(sequence < uuids ? id.hashCode() * 31L : (sequence - uuids) * 7);
        });
        Set<String> visited = new HashSet<>();
        table.forEach(new IdTable.Visitor() {
            @Override
            public void uuid(long msb, long lsb, long bodyHash, long sequence, int code) {
                assertThat(visited.add(Uuids.format(msb, lsb))).isTrue();
            }

            @Override
            public void text(String id, long bodyHash, long sequence, int code) {
                assertThat(visited.add(id)).isTrue();
            }
        });
        assertThat(visited).isEqualTo(kept.keySet());
    }

    /** What a visitor saw, one line per id, in visiting order. */
    private static java.util.List<String> visit(java.util.function.Consumer<IdTable.Visitor> source) {
        java.util.List<String> seen = new java.util.ArrayList<>();
        source.accept(new IdTable.Visitor() {
            @Override
            public void uuid(long msb, long lsb, long bodyHash, long sequence, int code) {
                seen.add(Uuids.format(msb, lsb) + " " + bodyHash + " " + sequence + " " + code);
            }

            @Override
            public void text(String id, long bodyHash, long sequence, int code) {
                seen.add(id + " " + bodyHash + " " + sequence + " " + code);
            }
        });
        return seen;
    }

    @Test
    void aFrozenViewKeepsWhatTheTableHeldThroughAppendsGrowthAndChangesInPlace() {
        IdTable table = new IdTable();
        Random random = new Random(11);
        java.util.List<String> uuids = new java.util.ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String id = uuid(random);
            uuids.add(id);
            table.put(id, i, i, 1);
        }
        table.put("order-1", 5, 3_000, 2);
        java.util.List<String> before = visit(table::forEach);
        IdTable.Frozen view = table.freeze();
        assertThat(view.size()).isEqualTo(3_001);

        // Ids kept again in place, before anything grows the entries (the view shares their array): the view must
        // not see them.
        table.put(uuids.get(0), 999, 999_999, 4);
        table.put(uuids.get(2_999), 998, 999_998, 4); // the view's last entry too
        table.put("order-1", 997, 999_997, 4);
        table.put("order-2", 996, 999_996, 4);
        for (int i = 0; i < 20_000; i++) { // grows the entries and the index several times
            table.put(uuid(random), -i, 10_000 + i, 3);
        }

        assertThat(visit(view::forEach)).isEqualTo(before);
        assertThat(table.lookup(uuids.get(0))).isTrue();
        assertThat(table.foundSequence()).as("the table itself has the change").isEqualTo(999_999);
        IdTable.Frozen later = table.freeze();
        assertThat(visit(later::forEach)).isEqualTo(visit(table::forEach)).hasSize(23_002);
    }

    @Test
    void everyViewKeepsWhatTheTableHeldWhenItWasFrozen() {
        IdTable table = new IdTable(2, 3); // pages of four entries; the index moves three entries a put
        Random random = new Random(12);
        java.util.List<String> uuids = new java.util.ArrayList<>();
        java.util.function.IntConsumer append = n -> {
            for (int i = 0; i < n; i++) {
                String id = uuid(random);
                uuids.add(id);
                table.put(id, random.nextLong(), 100 + uuids.size(), 1);
            }
        };
        append.accept(50); // the last page holds entries 48 and 49
        table.put("order-1", 5, 1, 2);
        java.util.List<String> held1 = visit(table::forEach);
        IdTable.Frozen first = table.freeze();

        append.accept(1); // into the view's last page, past its count: no copy
        table.put(uuids.get(49), 11, 11, 4); // the view's last, partly filled page
        table.put(uuids.get(50), 12, 12, 4); // in that page's copy
        table.put(uuids.get(1), 13, 13, 4); // the first page
        table.put("order-1", 14, 14, 4);
        table.put("order-2", 15, 15, 4);
        append.accept(640); // across many page boundaries, up to the index's growth at 683 ids
        while (table.pendingMigration() == 0) {
            append.accept(1);
        }
        table.put(uuids.get(20), 16, 16, 4); // in the old index only, during the move; its page is shared
        java.util.List<String> held2 = visit(table::forEach);
        IdTable.Frozen second = table.freeze(); // while the index grows

        table.put(uuids.get(1), 17, 17, 5); // its page was copied, and is shared again with the second view
        table.put(uuids.get(21), 18, 18, 5); // a page both views share
        table.put(uuids.get(uuids.size() - 1), 19, 19, 5); // the second view's last entry
        table.put("order-1", 20, 20, 5);
        append.accept(2_000); // another growth
        java.util.List<String> held3 = visit(table::forEach);
        IdTable.Frozen third = table.freeze();
        table.put(uuids.get(1), 21, 21, 6);
        table.put(uuids.get(2_500), 22, 22, 6);

        assertThat(visit(first::forEach)).isEqualTo(held1).hasSize(51);
        assertThat(visit(second::forEach)).isEqualTo(held2);
        assertThat(visit(third::forEach)).isEqualTo(held3).hasSize(uuids.size() + 2);
        assertThat(table.lookup(uuids.get(1))).isTrue();
        assertThat(table.foundSequence()).as("the table itself has the change").isEqualTo(21);
        assertThat(table.lookup(uuids.get(20))).isTrue();
        assertThat(table.foundSequence()).isEqualTo(16);
        IdTable.Frozen last = table.freeze();
        assertThat(visit(last::forEach)).isEqualTo(visit(table::forEach));
    }

    @Test
    void unknownIdsAreNotFound() {
        IdTable table = new IdTable();
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            table.put(uuid(random), 1, i, 33);
        }
        Random other = new Random(8);
        for (int i = 0; i < 5_000; i++) {
            assertThat(table.lookup(uuid(other))).isFalse();
        }
        assertThat(table.lookup("order-1")).isFalse();
    }

    @Test
    void canonicalUuidAndOtherSpellingsAreSeparateIds() {
        String lower = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";
        String upper = lower.toUpperCase();
        String noDashes = lower.replace("-", "");
        IdTable table = new IdTable();

        table.put(lower, 11, 1, 33);
        assertThat(table.lookup(upper)).isFalse();
        assertThat(table.lookup(noDashes)).isFalse();
        table.put(upper, 22, 2, 34);
        table.put(noDashes, 33, 3, 35);

        assertThat(table.size()).isEqualTo(3);
        assertThat(table.uuidCount()).isEqualTo(1);
        assertThat(table.lookup(lower)).isTrue();
        assertThat(table.foundSequence()).isEqualTo(1);
        assertThat(table.lookup(upper)).isTrue();
        assertThat(table.foundSequence()).isEqualTo(2);
        assertThat(table.foundBodyHash()).isEqualTo(22);
        assertThat(table.lookup(noDashes)).isTrue();
        assertThat(table.foundCode()).isEqualTo(35);
    }

    @Test
    void uuidsThatShareHalfTheirBitsAreSeparateIds() {
        IdTable table = new IdTable();
        for (int i = 0; i < 3_000; i++) {
            table.putUuid(5, i, 0, i, 33);      // same msb
            table.putUuid(i, 5, 0, 10_000 + i, 34); // same lsb; (5, 5) is put twice
        }
        assertThat(table.uuidCount()).isEqualTo(5_999);
        assertThat(table.lookup(Uuids.format(5, 17))).isTrue();
        assertThat(table.foundSequence()).isEqualTo(17);
        assertThat(table.lookup(Uuids.format(17, 5))).isTrue();
        assertThat(table.foundSequence()).isEqualTo(10_017);
    }

    @Test
    void allZeroUuidIsAnOrdinaryId() {
        IdTable table = new IdTable();
        String zero = "00000000-0000-0000-0000-000000000000";
        assertThat(table.lookup(zero)).isFalse();
        table.put(zero, 0, 0, 32);
        assertThat(table.lookup(zero)).isTrue();
        assertThat(table.foundCode()).isEqualTo(32);
    }

    @Test
    void puttingAnIdAgainReplacesItWithoutCountingItTwice() {
        IdTable table = new IdTable();
        String id = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";
        table.put(id, 1, 1, 33);
        table.put(id, 2, 2, 34);
        table.put("text", 1, 3, 33);
        table.put("text", 2, 4, 34);
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.lookup(id)).isTrue();
        assertThat(table.foundSequence()).isEqualTo(2);
    }

    @Test
    void codeZeroMeansAnEmptySlotSoItIsRefused() {
        IdTable table = new IdTable();
        assertThatThrownBy(() -> table.putUuid(1, 2, 3, 4, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(table.size()).isZero();
    }

    @Test
    void everyOutcomeAndReasonCodeFitsTheKeptCode() {
        IdTable table = new IdTable();
        int sequence = 0;
        for (dev.ledger.proto.Outcome outcome : new dev.ledger.proto.Outcome[] {dev.ledger.proto.Outcome.OUTCOME_APPLIED,
                dev.ledger.proto.Outcome.OUTCOME_REJECTED}) {
            for (dev.ledger.proto.ReasonCode reason : dev.ledger.proto.ReasonCode.values()) {
                if (reason == dev.ledger.proto.ReasonCode.UNRECOGNIZED) {
                    continue;
                }
                String id = new UUID(sequence, sequence).toString();
                table.put(id, 0, sequence++, Ledger.code(outcome, reason));
                assertThat(table.lookup(id)).isTrue();
                assertThat(Ledger.outcomeOf(table.foundCode())).isEqualTo(outcome);
                assertThat(Ledger.reasonOf(table.foundCode())).isEqualTo(reason);
            }
        }
    }
}
