package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-flight bound on plain objects: exactly maxInFlightEvents permits, given back one for one. */
class AdmissionTest {

    @Test
    void admitsUpToTheBoundExactlyAndRefusesOneMore() {
        Admission admission = new Admission(3);
        assertThat(admission.tryAdmit(2)).isTrue();
        assertThat(admission.tryAdmit(1)).isTrue();
        assertThat(admission.outstanding()).isEqualTo(3);
        assertThat(admission.tryAdmit(1)).isFalse();
        assertThat(admission.outstanding()).as("a refusal takes nothing").isEqualTo(3);
        assertThat(admission.max()).isEqualTo(3);
    }

    @Test
    void releasedPermitsCanBeTakenAgain() {
        Admission admission = new Admission(2);
        admission.tryAdmit(2);
        admission.release(1);
        assertThat(admission.outstanding()).isEqualTo(1);
        assertThat(admission.tryAdmit(1)).isTrue();
        assertThat(admission.tryAdmit(1)).isFalse();
    }

    @Test
    void theBlockingAdmitWaitsOnlyAsLongAsItIsToldAndANegativeWaitIsNoWait() throws Exception {
        Admission admission = new Admission(1);
        assertThat(admission.admit(1, TimeUnit.SECONDS.toNanos(5))).isTrue();
        assertThat(admission.admit(1, -1)).isFalse();
        assertThat(admission.admit(1, 0)).isFalse();
        admission.release(1);
        assertThat(admission.admit(1, 0)).as("free again").isTrue();
    }
}
