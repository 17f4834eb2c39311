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
}
