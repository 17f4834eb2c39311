package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link IdTable#reserve}: a snapshot load sizes the table once, then fills it without growing. */
class IdTableReserveTest {

    @Test
    void reservedTableTakesTheExpectedIdsWithoutGrowingAndFindsThemAll() {
        IdTable t = new IdTable();
        t.reserve(100_000);
        long bytes = t.uuidTableBytes();
        // room for every entry (32 bytes) and an index at most 2/3 full (5 bytes a slot)
        assertThat(bytes).isGreaterThanOrEqualTo(100_000L * 32 + 100_000L * 3 / 2 * 5);

        SplittableRandom r = new SplittableRandom(1);
        long[] msb = new long[100_000];
        long[] lsb = new long[100_000];
        for (int i = 0; i < msb.length; i++) {
            msb[i] = r.nextLong();
            lsb[i] = r.nextLong();
            t.putUuid(msb[i], lsb[i], i, i, 1);
        }

        assertThat(t.uuidTableBytes()).isEqualTo(bytes);
        assertThat(t.uuidCount()).isEqualTo(100_000);
        int[] seen = {0};
        t.forEach(new IdTable.Visitor() {
            @Override
            public void uuid(long m, long l, long bodyHash, long sequence, int code) {
                assertThat(msb[(int) sequence]).isEqualTo(m);
                seen[0]++;
            }

            @Override
            public void text(String id, long bodyHash, long sequence, int code) {
                throw new AssertionError("no text ids were put");
            }
        });
        assertThat(seen[0]).isEqualTo(100_000);
    }

    @Test
    void reserveKeepsWhatIsAlreadyThere() {
        IdTable t = new IdTable();
        t.putUuid(1, 2, 3, 4, 5);
        t.reserve(10_000);
        t.putUuid(6, 7, 8, 9, 10);
        assertThat(t.uuidCount()).isEqualTo(2);
        t.putUuid(1, 2, 3, 4, 5); // found again after the re-hash: replaced, not added
        assertThat(t.uuidCount()).isEqualTo(2);
    }

    @Test
    void reserveDuringAMoveEndsItAndTheTableFindsEveryId() {
        IdTable t = new IdTable(2, 1);
        SplittableRandom r = new SplittableRandom(2);
        long[] msb = new long[10_000];
        long[] lsb = new long[msb.length];
        int kept = 0;
        while (t.pendingMigration() == 0 || kept < 700) { // the index grows at 683 ids, moving one entry a put
            msb[kept] = r.nextLong();
            lsb[kept] = r.nextLong();
            t.putUuid(msb[kept], lsb[kept], kept, kept, 1);
            kept++;
        }
        assertThat(t.pendingMigration()).isPositive();
        msb[kept] = r.nextLong();
        lsb[kept] = r.nextLong();
        assertThat(t.lookupUuid(msb[kept], lsb[kept])).isFalse(); // remembers an empty slot of today's index...
        t.reserve(msb.length);
        assertThat(t.pendingMigration()).isZero();
        t.putUuid(msb[kept], lsb[kept], kept, kept, 1); // ...which the reserve forgot
        kept++;
        assertThat(t.uuidCount()).isEqualTo(kept);
        long bytes = t.uuidTableBytes();
        for (; kept < msb.length; kept++) {
            msb[kept] = r.nextLong();
            lsb[kept] = r.nextLong();
            t.putUuid(msb[kept], lsb[kept], kept, kept, 1);
        }

        assertThat(t.uuidTableBytes()).isEqualTo(bytes);
        assertThat(t.pendingMigration()).isZero();
        for (int i = 0; i < msb.length; i++) {
            assertThat(t.lookupUuid(msb[i], lsb[i])).isTrue();
            assertThat(t.foundSequence()).isEqualTo(i);
        }
    }

    @Test
    void bytesGrowByOnePageAtATimeNotByDoublingTheEntries() {
        IdTable t = new IdTable();
        int perPage = 1 << IdTable.PAGE_SHIFT;
        long pageBytes = 32L * perPage; // 256 KB
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 4 * perPage + 1; i++) {
            long before = t.uuidTableBytes();
            boolean moving = t.pendingMigration() > 0;
            t.putUuid(r.nextLong(), r.nextLong(), i, i, 1);
            boolean indexChanged = moving != t.pendingMigration() > 0; // a growth started or ended
            if (!indexChanged) {
                assertThat(t.uuidTableBytes() - before).as("put %d", i).isEqualTo(i % perPage == 0 ? pageBytes : 0);
            }
        }
        // five pages, an index of 2^16 slots (5 bytes each) and a directory of 16 page references
        assertThat(t.pendingMigration()).isZero();
        assertThat(t.uuidTableBytes()).isEqualTo(5 * pageBytes + 5 * 65_536 + 16 * 4);
    }

    @Test
    void aReserveThatOnlyEndsAMoveForgetsTheSlotALookupRemembered() {
        // A move under way, a lookup that misses (it remembers an empty slot of the new index), then a reserve that
        // needs no larger index but ends the move: a moved id may now sit in that slot, so the put must probe again.
        for (long seed = 1; seed <= 20; seed++) {
            IdTable t = new IdTable(2, 0); // nothing moves before the reserve
            SplittableRandom r = new SplittableRandom(seed);
            long[] msb = new long[2_000];
            long[] lsb = new long[msb.length];
            int kept = 0;
            while (t.pendingMigration() == 0) {
                msb[kept] = r.nextLong();
                lsb[kept] = r.nextLong();
                t.putUuid(msb[kept], lsb[kept], kept, kept, 1);
                kept++;
            }
            msb[kept] = r.nextLong();
            lsb[kept] = r.nextLong();
            assertThat(t.lookupUuid(msb[kept], lsb[kept])).isFalse();
            t.reserve(t.uuidCount()); // fits today's index: ends the move, builds no new index
            assertThat(t.pendingMigration()).isZero();
            t.putUuid(msb[kept], lsb[kept], kept, kept, 1);
            kept++;
            assertThat(t.uuidCount()).isEqualTo(kept);
            for (int i = 0; i < kept; i++) {
                assertThat(t.lookupUuid(msb[i], lsb[i])).as("seed %d id %d", seed, i).isTrue();
                assertThat(t.foundSequence()).isEqualTo(i);
            }
        }
    }
}
