package dev.ledger.server.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The router's UUID table on plain objects: lookups, removal with collisions and wrap-around, growth and shrinking. */
class UuidTableTest {

    private static final long SEED = 0x5EEDL;

    private final UuidTable table = new UuidTable(SEED);

    private static long hash(long high, long low) {
        return UuidTable.hash(high, low, SEED);
    }

    private int find(long high, long low) {
        return table.find(high, low, hash(high, low));
    }

    private void insert(long high, long low, Object value, int tag) {
        table.insert(high, low, hash(high, low), value, tag);
    }

    private void remove(long high, long low) {
        table.removeAt(find(high, low));
    }

    /** {@code count} keys whose home slot in a table of {@code capacity} is {@code slot}. */
    private static List<long[]> keysAtHome(int slot, int capacity, int count, Random random) {
        List<long[]> keys = new ArrayList<>();
        while (keys.size() < count) {
            long high = random.nextLong();
            long low = random.nextLong();
            if (((int) hash(high, low) & (capacity - 1)) == slot) {
                keys.add(new long[] {high, low});
            }
        }
        return keys;
    }

    @Test
    void aKeyIsFoundWithItsValueAndTagUntilRemoved() {
        Object value = new Object();
        assertThat(find(1, 2)).isNegative();
        insert(1, 2, value, 7);
        int slot = find(1, 2);
        assertThat(slot).isNotNegative();
        assertThat(table.value(slot)).isSameAs(value);
        assertThat(table.tag(slot)).isEqualTo(7);
        assertThat(find(2, 1)).as("the halves are not interchangeable").isNegative();
        assertThat(find(1, 3)).isNegative();
        Object other = new Object();
        table.set(slot, other, 9);
        assertThat(table.value(find(1, 2))).isSameAs(other);
        assertThat(table.tag(find(1, 2))).isEqualTo(9);
        remove(1, 2);
        assertThat(find(1, 2)).isNegative();
        assertThat(table.size()).isZero();
    }

    @Test
    void removingFromTheMiddleOfAClusterThatWrapsAroundKeepsTheRestFindable() {
        int capacity = table.capacity();
        Random random = new Random(3);
        // Five keys at home in the last slot (they wrap around to the start) and two at home in slot 0, behind them.
        List<long[]> last = keysAtHome(capacity - 1, capacity, 5, random);
        List<long[]> first = keysAtHome(0, capacity, 2, random);
        List<long[]> all = new ArrayList<>(last);
        all.addAll(first);
        for (int i = 0; i < all.size(); i++) {
            insert(all.get(i)[0], all.get(i)[1], "v" + i, i);
        }
        assertThat(table.capacity()).as("still one table size: the cluster wraps").isEqualTo(capacity);
        Set<Integer> removed = new HashSet<>();
        for (int victim : new int[] {1, 5, 0}) {
            remove(all.get(victim)[0], all.get(victim)[1]);
            removed.add(victim);
            for (int i = 0; i < all.size(); i++) {
                int slot = find(all.get(i)[0], all.get(i)[1]);
                if (removed.contains(i)) {
                    assertThat(slot).as("key %d removed", i).isNegative();
                } else {
                    assertThat(slot).as("key %d after removing %d", i, victim).isNotNegative();
                    assertThat(table.value(slot)).isEqualTo("v" + i);
                    assertThat(table.tag(slot)).isEqualTo(i);
                }
            }
        }
        assertThat(table.size()).isEqualTo(4);
    }

    @Test
    void growsPastHalfFullAndShrinksBackAsKeysLeave() {
        int keys = 10_000;
        for (int i = 0; i < keys; i++) {
            insert(i, -i, i, i);
            assertThat(table.size() * 2).isLessThanOrEqualTo(table.capacity());
        }
        assertThat(table.capacity()).isGreaterThanOrEqualTo(2 * keys).isLessThanOrEqualTo(4 * keys);
        for (int i = 0; i < keys; i++) {
            int slot = find(i, -i);
            assertThat(slot).isNotNegative();
            assertThat(table.value(slot)).isEqualTo(i);
        }
        for (int i = 0; i < keys; i++) {
            remove(i, -i);
            assertThat(table.capacity() == UuidTable.MIN_CAPACITY || table.size() * 8 >= table.capacity())
                    .as("shrunk once below an eighth full, at %d keys", table.size()).isTrue();
        }
        assertThat(table.size()).isZero();
        assertThat(table.capacity()).isEqualTo(UuidTable.MIN_CAPACITY);
    }

    /** Random inserts and removals over a few keys (many collisions) agree with a HashMap at every step. */
    @Test
    void agreesWithAHashMapUnderRandomInsertsAndRemovals() {
        Random random = new Random(11);
        Map<List<Long>, Integer> reference = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            long high = random.nextInt(8);
            long low = random.nextInt(step % 1_000 < 500 ? 40 : 400); // the size goes up and down: it resizes
            List<Long> key = List.of(high, low);
            int slot = find(high, low);
            Integer expected = reference.get(key);
            if (expected == null) {
                assertThat(slot).as("step %d: %s absent", step, key).isNegative();
                if (random.nextInt(3) > 0) {
                    insert(high, low, step, step);
                    reference.put(key, step);
                }
            } else {
                assertThat(slot).as("step %d: %s present", step, key).isNotNegative();
                assertThat(table.tag(slot)).isEqualTo(expected);
                assertThat(table.value(slot)).isEqualTo(expected);
                if (random.nextBoolean()) {
                    table.removeAt(slot);
                    reference.remove(key);
                }
            }
            assertThat(table.size()).isEqualTo(reference.size());
        }
        for (Map.Entry<List<Long>, Integer> e : reference.entrySet()) {
            assertThat(table.tag(find(e.getKey().get(0), e.getKey().get(1)))).isEqualTo(e.getValue());
        }
    }
}
