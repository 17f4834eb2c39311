package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The balances decoded on first access behave as the immutable map of the same entries in every way. */
class LazyBalancesTest {

    /** Balance fields as they sit in a Decision (a Decision with only balances is exactly those fields). */
    private static LazyBalances lazy(Object... accountsAndBalances) {
        dev.ledger.proto.Decision.Builder d = dev.ledger.proto.Decision.newBuilder();
        for (int i = 0; i < accountsAndBalances.length; i += 2) {
            d.addBalances(AccountBalance.newBuilder().setAccountId((String) accountsAndBalances[i])
                    .setBalanceMinor((Long) accountsAndBalances[i + 1]));
        }
        return new LazyBalances(d.build().toByteArray());
    }

    /** {@code Map.copyOf} of the entries put in order into a map (the last balance of an account wins). */
    private static Map<String, Long> copyOf(Object... accountsAndBalances) {
        Map<String, Long> inOrder = new LinkedHashMap<>();
        for (int i = 0; i < accountsAndBalances.length; i += 2) {
            inOrder.put((String) accountsAndBalances[i], (Long) accountsAndBalances[i + 1]);
        }
        return Map.copyOf(inOrder);
    }

    private static final Object[][] CASES = {
        {"alice", 7L},
        {"alice", -5L, "bob", 5L, "fees", 1L, "tax", 0L},
        {"alice", 1L, "bob", 2L, "alice", 3L},
        {"", Long.MIN_VALUE, "日本", Long.MAX_VALUE, "é", -1L, "😀", 0L},
        {"a0", 0L, "a1", 1L, "a2", 2L, "a3", 3L, "a4", 4L, "a5", 5L, "a6", 6L, "a7", 7L, "a8", 8L, "a9", 9L},
    };

    @Test
    void equalsHashCodeAndToStringAreThoseOfMapCopyOfTheSameEntries() {
        for (Object[] entries : CASES) {
            Map<String, Long> expected = copyOf(entries);
            Map<String, Long> balances = lazy(entries);
            assertThat(balances.toString()).isEqualTo(expected.toString());
            assertThat(balances.hashCode()).isEqualTo(expected.hashCode());
            assertThat(balances.equals(expected)).isTrue();
            assertThat(expected.equals(balances)).isTrue();
            assertThat(balances.equals(new HashMap<>(expected))).isTrue();
            assertThat(new HashMap<>(expected).equals(balances)).isTrue();
            assertThat(balances.equals(lazy(entries))).isTrue();
            assertThat(balances).containsExactlyEntriesOf(expected);
            assertThat(new ArrayList<>(balances.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
            assertThat(new ArrayList<>(balances.values())).isEqualTo(new ArrayList<>(expected.values()));

            Map<String, Long> other = new HashMap<>(expected);
            other.put("alice", 99L);
            assertThat(balances.equals(other)).isFalse();
            assertThat(other.equals(balances)).isFalse();
        }
    }

    @Test
    void serializesAsThePlainImmutableMapOfItsEntries() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(lazy("alice", 1L, "bob", -2L));
        }
        Object back;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
        }
        assertThat(back).isNotInstanceOf(LazyBalances.class).isEqualTo(copyOf("alice", 1L, "bob", -2L));
    }

    @Test
    void anAccountNamedTwiceKeepsItsLastBalanceAndItsFirstPlace() {
        Map<String, Long> balances = lazy("alice", 1L, "bob", 2L, "alice", 3L);
        assertThat(balances).hasSize(2).containsEntry("alice", 3L).containsEntry("bob", 2L);
    }

    @Test
    void everyMutatorThrowsAsTheImmutableMapsDo() {
        Map<String, Long> balances = lazy("alice", 1L);
        List<Function<Map<String, Long>, Object>> mutators = List.of(
                m -> m.put("bob", 1L), m -> m.remove("nobody"), m -> m.remove("alice", 1L),
                m -> { m.clear(); return null; }, m -> { m.putAll(Map.of()); return null; },
                m -> m.putIfAbsent("alice", 2L), m -> m.computeIfAbsent("alice", k -> 2L),
                m -> m.computeIfPresent("nobody", (k, v) -> v), m -> m.merge("alice", 1L, Long::sum),
                m -> m.replace("nobody", 1L), m -> { m.replaceAll((k, v) -> v); return null; },
                m -> m.entrySet().iterator().next().setValue(5L), m -> m.keySet().remove("alice"));
        for (Function<Map<String, Long>, Object> mutator : mutators) {
            assertThatThrownBy(() -> mutator.apply(Map.copyOf(Map.of("alice", 1L))))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> mutator.apply(balances)).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThat(balances).containsExactly(Map.entry("alice", 1L));
    }

    @Test
    void aDecisionKeepsTheLazyMapAsItIsWithoutDecodingItYetCopiesAnyOtherMap() {
        LazyBalances balances = lazy("alice", 1L, "bob", 2L);
        Decision d = new Decision("e-1", Outcome.OUTCOME_APPLIED, ReasonCode.REASON_NONE, "", false, balances, 0, 0);
        assertThat(d.balances()).as("Map.copyOf would have made a new map, decoding this one").isSameAs(balances);

        Map<String, Long> mine = new HashMap<>(Map.of("alice", 1L));
        Decision byHand = new Decision("e-1", Outcome.OUTCOME_APPLIED, ReasonCode.REASON_NONE, "", false, mine, 0, 0);
        assertThat(byHand.balances()).isNotSameAs(mine);
        assertThat(byHand).isEqualTo(new Decision("e-1", Outcome.OUTCOME_APPLIED, ReasonCode.REASON_NONE, "", false,
                lazy("alice", 1L), 0, 0));
    }

    @Test
    void concurrentFirstAccessFromSeveralThreadsSeesTheSameMap() throws Exception {
        Object[] entries = CASES[4];
        String expected = copyOf(entries).toString();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 200; round++) {
                LazyBalances balances = lazy(entries);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> seen = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    Callable<String> reader = () -> {
                        start.await(10, TimeUnit.SECONDS);
                        // Each thread comes in through another method.
                        switch (first) {
                            case 0 -> assertThat(balances.get("a3")).isEqualTo(3L);
                            case 1 -> assertThat(balances.size()).isEqualTo(10);
                            case 2 -> assertThat(balances.hashCode()).isEqualTo(copyOf(entries).hashCode());
                            default -> assertThat(balances.entrySet()).hasSize(10);
                        }
                        return balances.toString();
                    };
                    seen.add(pool.submit(reader));
                }
                start.countDown();
                for (Future<String> f : seen) {
                    assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
                }
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
