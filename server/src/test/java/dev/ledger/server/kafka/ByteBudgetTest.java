package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteBudgetTest {

    @Test
    void acquiresUpToCapacityAndRefusesBeyond() {
        ByteBudget budget = new ByteBudget(100);
        assertThat(budget.tryAcquire(60)).isTrue();
        assertThat(budget.tryAcquire(41)).isFalse();
        assertThat(budget.tryAcquire(40)).isTrue();
        assertThat(budget.usedBytes()).isEqualTo(100);
    }

    @Test
    void releasedBytesCanBeTakenAgain() {
        ByteBudget budget = new ByteBudget(100);
        budget.tryAcquire(100);
        budget.release(30);
        assertThat(budget.tryAcquire(30)).isTrue();
        assertThat(budget.tryAcquire(1)).isFalse();
    }

    @Test
    void waitersRunOnceUseDropsToTheLowWaterMark() {
        ByteBudget budget = new ByteBudget(100);
        budget.tryAcquire(60);
        assertThat(budget.aboveHighWater()).isTrue();
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        budget.whenBelowLowWater(runs::incrementAndGet);
        budget.release(20);
        assertThat(runs).hasValue(0);
        budget.release(15);
        assertThat(runs).hasValue(1);
        budget.release(25);
        assertThat(runs).as("each callback runs once").hasValue(1);
    }

    @Test
    void waiterRegisteredWhileAlreadyLowRunsAtOnce() {
        ByteBudget budget = new ByteBudget(100);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        budget.whenBelowLowWater(runs::incrementAndGet);
        assertThat(runs).hasValue(1);
    }
}
