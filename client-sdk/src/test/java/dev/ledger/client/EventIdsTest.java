package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EventIdsTest {

    @Test
    void idIsAVersion7UuidCarryingTheCurrentMillisecond() {
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(EventIds.next());
        long after = System.currentTimeMillis();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after + 1);
    }

    @Test
    void idsWithinOneMillisecondStillIncreaseStrictly() {
        EventIds ids = new EventIds(() -> 1_700_000_000_000L);
        List<String> generated = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            generated.add(ids.nextId());
        }

        assertThat(generated).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void idsKeepIncreasingWhenTheClockStepsBack() {
        AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        EventIds ids = new EventIds(clock::get);
        String first = ids.nextId();
        clock.addAndGet(-5_000);

        assertThat(ids.nextId()).isGreaterThan(first);
    }

    @Test
    @Timeout(10)
    void idsFromManyThreadsAreUnique() throws InterruptedException {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                String previous = "";
                for (int i = 0; i < 20_000; i++) {
                    String id = EventIds.next();
                    assertThat(id).isGreaterThan(previous);
                    previous = id;
                    seen.add(id);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(seen).hasSize(8 * 20_000);
    }
}
