package dev.ledger.stress.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outcome counts on plain threads: accepted events counted per thread still add up exactly. */
class OutcomesTest {

    @Test
    void acceptedEventsCountedOnManyThreadsAddUpExactly() throws Exception {
        Outcomes outcomes = new Outcomes();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    outcomes.accepted();
                }
                outcomes.add(Outcomes.ACCEPTED);
                outcomes.add("LedgerTimeoutException");
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
        }
        outcomes.accepted(); // and one on this thread

        assertThat(outcomes.get(Outcomes.ACCEPTED)).isEqualTo(4 * 10_001 + 1);
        assertThat(outcomes.get("LedgerTimeoutException")).isEqualTo(4);
        assertThat(outcomes.snapshot()).isEqualTo(Map.of(Outcomes.ACCEPTED, 40_005L, "LedgerTimeoutException", 4L));
    }

    @Test
    void noAcceptedEventMeansNoAcceptedEntry() {
        Outcomes outcomes = new Outcomes();
        assertThat(outcomes.get(Outcomes.ACCEPTED)).isZero();
        outcomes.add("decision:APPLIED");
        assertThat(outcomes.snapshot()).containsOnlyKeys("decision:APPLIED");
    }
}
