package dev.ledger.stress.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoTest {

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shortDemoLosesNothingAndTheCoreRejectsEveryOverdraft() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoResult r = new Demo(200, 5_000, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        long events = 200 + Demo.SCRIPTED_EXTRA;

        assertThat(r.verify().lost()).isZero();
        assertThat(r.run().acked()).isEqualTo(events).isEqualTo(r.expectedAccepted());
        assertThat(r.run().sent()).isEqualTo(events);
        assertThat(r.verify().found()).isEqualTo(events);
        assertThat(r.verify().orderViolations()).isZero();
        // One decision per stored record: the snapshot is on each of the 3 partitions.
        assertThat(r.decisions().decisions()).isEqualTo(events + 2);
        assertThat(r.decisions().duplicates()).isEqualTo(2);
        assertThat(r.decisions().ackedMissing()).isZero();
        assertThat(r.decisions().rejected("INSUFFICIENT_FUNDS")).isEqualTo(Demo.OVERDRAFTS);
        assertThat(r.decisions().rejectedByReason()).hasSize(1);
        assertThat(r.decisions().applied()).isEqualTo(events - Demo.OVERDRAFTS);
        assertThat(r.decisions().balancesMinor())
                .containsEntry(Demo.PAYER, 100_000_000L - 200 * 10_000L)
                .containsEntry(Demo.PAYEE, 200 * 8_500L)
                .containsEntry(Demo.FEE, 200 * 1_000L)
                .containsEntry(Demo.TAX, 200 * 500L)
                .containsEntry(Demo.SMALL_PAYER, 5_000L)
                .containsEntry(Demo.SETTLEMENT, -100_005_000L);
        assertThat(r.decisions().lowestBalancesMinor().get(Demo.SMALL_PAYER)).isGreaterThanOrEqualTo(0);
        assertThat(r.decisions().totalsByCurrency()).containsEntry("USD", 0L);
        assertThat(r.passed()).isTrue();
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("DEMO VERIFIED", "lost              0",
                "100 REJECTED INSUFFICIENT_FUNDS");
    }
}
