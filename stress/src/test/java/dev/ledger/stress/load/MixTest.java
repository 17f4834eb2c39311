package dev.ledger.stress.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MixTest {

    @Test
    void parsesNamedWeightsAndDefaultsOmittedKindsToZero() {
        Mix mix = Mix.parse("create=1, Transfer=96,snapshot=1");
        assertThat(mix).isEqualTo(new Mix(1, 0, 96, 1));
        assertThat(mix.pick(0)).isEqualTo(Mix.Kind.CREATE);
        assertThat(mix.pick(1)).isEqualTo(Mix.Kind.TRANSFER);
        assertThat(mix.pick(97)).isEqualTo(Mix.Kind.SNAPSHOT);
    }

    @Test
    void rejectsUnknownKindsNamingThem() {
        assertThatThrownBy(() -> Mix.parse("create=1,refund=2")).hasMessageContaining("refund");
    }

    @Test
    void generatedTransfersAreValid() {
        Workload w = new Workload(() -> "id", new Mix(0, 0, 1, 0), 3, 7);
        for (int i = 0; i < 1000; i++) {
            var t = w.next().getTransfer();
            assertThat(t.getPayerAccountId()).isNotEqualTo(t.getPayeeAccountId());
            assertThat(t.getAmountMinor()).isPositive().isGreaterThanOrEqualTo(t.getFeeMinor() + t.getTaxMinor());
            assertThat(t.getFeeAccountId()).isEqualTo(Workload.FEE_ACCOUNT);
            assertThat(t.getTaxAccountId()).isEqualTo(Workload.TAX_ACCOUNT);
        }
    }
}
