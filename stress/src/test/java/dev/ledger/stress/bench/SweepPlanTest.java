package dev.ledger.stress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepPlanTest {

    @Test
    void connectionsSweepOpensEachCountThroughAtMostTenClients() {
        SweepPlan plan = SweepPlan.of("connections", List.of(), 0, 2, 512, Duration.ofMillis(1));

        assertThat(plan.values()).containsExactly(1, 10, 100, 1000);
        assertThat(plan.ratePerSecond()).isEqualTo(20_000);
        assertThat(plan.points()).extracting(SweepPlan.Shape::connections).containsExactly(1, 10, 100, 1000);
        assertThat(plan.points()).extracting(SweepPlan.Shape::lanes).containsExactly(1, 10, 10, 10);
        assertThat(plan.points()).allSatisfy(p -> {
            assertThat(p.batch()).isEqualTo(512);
            assertThat(p.linger()).isEqualTo(Duration.ofMillis(1));
        });
    }

    @Test
    void connectionCountsThatTenDoesNotDivideStillOpenExactlyThatMany() {
        assertThat(SweepPlan.lanesFor(7)).isEqualTo(7);
        assertThat(SweepPlan.lanesFor(13)).isEqualTo(1);
        assertThat(SweepPlan.lanesFor(36)).isEqualTo(9);
        for (int c : List.of(1, 2, 7, 13, 36, 250, 999)) {
            SweepPlan.Shape s = SweepPlan.of("connections", List.of(c), 0, 2, 512, Duration.ZERO).points().get(0);
            assertThat(s.connections()).isEqualTo(c);
            assertThat(s.lanes()).isLessThanOrEqualTo(SweepPlan.MAX_LANES);
        }
    }

    @Test
    void batchSweepLingersLongEnoughForAFullFrameOnEachLane() {
        SweepPlan plan = SweepPlan.of("batch", List.of(), 0, 2, 512, Duration.ofMillis(1));

        assertThat(plan.ratePerSecond()).isEqualTo(50_000);
        assertThat(plan.points()).extracting(SweepPlan.Shape::batch).containsExactly(1, 10, 100, 1000);
        assertThat(plan.points()).allSatisfy(p -> assertThat(p.connections()).isEqualTo(2));
        // 1 event per frame needs no linger; 1000 events on one of 2 lanes at 50,000/s take 40 ms: linger twice that.
        assertThat(plan.points().get(0).linger()).isZero();
        assertThat(plan.points().get(3).linger()).isEqualTo(Duration.ofMillis(80));
        assertThat(plan.points().get(1).linger()).isEqualTo(Duration.ofNanos(800_000));
    }

    @Test
    void rateAndValuesFromTheFlagsWin() {
        SweepPlan plan = SweepPlan.of("batch", List.of(5, 50), 10_000, 4, 512, Duration.ofMillis(1));

        assertThat(plan.ratePerSecond()).isEqualTo(10_000);
        assertThat(plan.points()).extracting(SweepPlan.Shape::value).containsExactly(5, 50);
        assertThat(plan.points().get(1).linger()).isEqualTo(Duration.ofMillis(40));
    }

    @Test
    void unknownSweepsAndValuesBelowOneAreRefusedByName() {
        assertThatThrownBy(() -> SweepPlan.of("threads", List.of(), 0, 2, 512, Duration.ZERO))
                .hasMessageContaining("--sweep");
        assertThatThrownBy(() -> SweepPlan.of("batch", List.of(10, 0), 0, 2, 512, Duration.ZERO))
                .hasMessageContaining("--sweep-values");
    }
}
