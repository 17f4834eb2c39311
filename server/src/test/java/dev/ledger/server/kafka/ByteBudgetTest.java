package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
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
        AtomicInteger runs = new AtomicInteger();
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
        AtomicInteger runs = new AtomicInteger();
        budget.whenBelowLowWater(runs::incrementAndGet);
        assertThat(runs).hasValue(1);
    }
    @Test
    void highWaterIsCrossedOnlyAboveHalfTheCapacity() {
        ByteBudget budget = new ByteBudget(100);
        budget.tryAcquire(50);
        assertThat(budget.aboveHighWater()).as("exactly half").isFalse();
        budget.tryAcquire(1);
        assertThat(budget.aboveHighWater()).isTrue();
        budget.release(1);
        assertThat(budget.aboveHighWater()).isFalse();
    }

    @Test
    void waitersRunWhenAReleaseLandsExactlyOnTheLowWaterMark() {
        ByteBudget budget = new ByteBudget(100);
        budget.tryAcquire(60);
        AtomicInteger runs = new AtomicInteger();
        budget.whenBelowLowWater(runs::incrementAndGet);
        budget.release(34);
        assertThat(runs).as("26 used, one above a quarter").hasValue(0);
        budget.release(1);
        assertThat(runs).as("25 used, exactly a quarter").hasValue(1);
    }

    @Test
    void waiterRegisteredExactlyAtTheLowWaterMarkRunsAtOnceAndOneByteAboveWaits() {
        ByteBudget budget = new ByteBudget(100);
        budget.tryAcquire(26);
        AtomicInteger runs = new AtomicInteger();
        budget.whenBelowLowWater(runs::incrementAndGet);
        assertThat(runs).hasValue(0);
        budget.release(1);
        assertThat(runs).hasValue(1);
        budget.whenBelowLowWater(runs::incrementAndGet);
        assertThat(runs).as("registered at exactly a quarter").hasValue(2);
    }

    @Test
    void everyWaitingCallbackRunsOnTheSameDrain() {
        ByteBudget budget = new ByteBudget(100);
        budget.tryAcquire(80);
        AtomicInteger runs = new AtomicInteger();
        budget.whenBelowLowWater(runs::incrementAndGet);
        budget.whenBelowLowWater(runs::incrementAndGet);
        budget.release(80);
        assertThat(runs).hasValue(2);
    }

    @Test
    void aRefusedAcquireTakesNothing() {
        ByteBudget budget = new ByteBudget(100);
        budget.tryAcquire(99);
        assertThat(budget.tryAcquire(2)).isFalse();
        assertThat(budget.usedBytes()).isEqualTo(99);
        assertThat(budget.tryAcquire(1)).as("exactly the capacity").isTrue();
        assertThat(budget.capacityBytes()).isEqualTo(100);
    }
}
