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
    void shortDemoLosesNothingAndAcceptsExactlyEveryScriptedEvent() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoResult r = new Demo(200, 5_000, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();

        assertThat(r.verify().lost()).isZero();
        assertThat(r.run().acked()).isEqualTo(207).isEqualTo(r.expectedAccepted());
        assertThat(r.run().sent()).isEqualTo(207);
        assertThat(r.verify().found()).isEqualTo(207);
        assertThat(r.verify().orderViolations()).isZero();
        assertThat(r.replay().overdrawn()).isEmpty();
        assertThat(r.replay().total()).isZero();
        assertThat(r.replay().balancesMinor())
                .containsEntry(Demo.PAYER, 100_000_000L - 200 * 10_000L)
                .containsEntry(Demo.PAYEE, 200 * 8_500L)
                .containsEntry(Demo.FEE, 200 * 1_000L)
                .containsEntry(Demo.TAX, 200 * 500L)
                .containsEntry(Demo.SETTLEMENT, -100_000_000L);
        assertThat(r.passed()).isTrue();
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("DEMO VERIFIED", "lost              0");
    }
}
