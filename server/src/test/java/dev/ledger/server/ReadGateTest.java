package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledger.server.kafka.ByteBudget;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read gate on an {@link EmbeddedChannel}: "reading" is the channel's autoRead flag. Each of the three reasons
 * to stop reading (the connection's in-flight window, the global byte budget, a client that does not read its
 * Acks) pauses the connection on its own, and reading resumes only once none of them holds.
 */
class ReadGateTest {

    private static final int WINDOW = 10;
    private static final long BUDGET = 1000; // high water above 500, low water at 250

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ByteBudget budget = new ByteBudget(BUDGET);
    private final InFlight serverInFlight = new InFlight();
    private final InFlight.Share share = serverInFlight.share();
    private final LongAdder serverPaused = new LongAdder();
    private final ReadGate gate = new ReadGate(channel, WINDOW, budget, share, serverPaused);

    @AfterEach
    void finish() {
        assertFalse(channel.finish());
    }

    private boolean reading() {
        return channel.config().isAutoRead();
    }

    /** A Submit of {@code events} taken in, as the handler does it: counted in the share, then the gate asked. */
    private void admitted(int events) {
        share.taken(events);
        gate.admitted();
    }

    /** Events answered, as the handler does it. */
    private void answered(int events) {
        share.answered(events, false);
        gate.update();
    }

    /** The connection closed, as the handler does it. */
    private void release() {
        share.release();
        gate.release();
    }

    private void clientStopsReadingAcks(boolean stops) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, !stops);
    }

    @Test
    void keepsReadingBelowTheInFlightWindow() {
        admitted(WINDOW - 1);
        assertThat(reading()).isTrue();
    }

    @Test
    void stopsReadingWhenTheInFlightWindowIsExactlyFull() {
        admitted(WINDOW - 1);
        admitted(1);
        assertThat(reading()).isFalse();
    }

    @Test
    void resumesOnlyOnceAnAckTakesTheConnectionBelowItsWindow() {
        admitted(WINDOW + 2);
        answered(2);
        assertThat(reading()).as("still exactly at the window").isFalse();
        answered(1);
        assertThat(reading()).isTrue();
    }

    @Test
    void stopsReadingAboveTheBudgetsHighWaterAndResumesAtItsLowWater() {
        assertThat(budget.tryAcquire(501)).isTrue();
        admitted(1);
        assertThat(reading()).as("budget above high water").isFalse();

        answered(1);
        assertThat(reading()).as("an Ack does not lift a budget pause").isFalse();

        budget.release(250); // 251 used: above the low water mark
        channel.runPendingTasks();
        assertThat(reading()).isFalse();

        budget.release(1); // 250 used: at the low water mark
        channel.runPendingTasks();
        assertThat(reading()).isTrue();
    }

    @Test
    void keepsReadingAtExactlyTheBudgetsHighWater() {
        assertThat(budget.tryAcquire(500)).isTrue();
        admitted(1);
        assertThat(reading()).isTrue();
    }

    @Test
    void aDrainedBudgetDoesNotResumeAConnectionWhoseWindowIsFull() {
        assertThat(budget.tryAcquire(501)).isTrue();
        admitted(WINDOW);
        budget.release(501);
        channel.runPendingTasks();
        assertThat(reading()).as("window still full").isFalse();
        answered(1);
        assertThat(reading()).isTrue();
    }

    @Test
    void aSecondSubmitAboveHighWaterWaitsForTheSameDrain() {
        assertThat(budget.tryAcquire(501)).isTrue();
        admitted(1);
        admitted(1);
        budget.release(501);
        channel.runPendingTasks();
        assertThat(reading()).isTrue();
        assertThat(budget.tryAcquire(501)).isTrue();
        admitted(1);
        assertThat(reading()).as("paused again by a new excursion").isFalse();
        budget.release(501);
        channel.runPendingTasks();
        assertThat(reading()).isTrue();
    }

    @Test
    void stopsReadingWhileTheClientDoesNotReadItsAcks() {
        admitted(1);
        clientStopsReadingAcks(true);
        gate.update();
        assertThat(reading()).isFalse();
        answered(1);
        assertThat(reading()).as("an Ack written to a full socket").isFalse();
        clientStopsReadingAcks(false);
        gate.update();
        assertThat(reading()).isTrue();
    }

    @Test
    void writableAgainDoesNotResumeAConnectionWhoseWindowIsFull() {
        admitted(WINDOW);
        clientStopsReadingAcks(true);
        gate.update();
        clientStopsReadingAcks(false);
        gate.update();
        assertThat(reading()).isFalse();
    }

    @Test
    void writableAgainDoesNotResumeAConnectionWaitingForTheBudget() {
        assertThat(budget.tryAcquire(501)).isTrue();
        admitted(1);
        answered(1);
        gate.update();
        assertThat(reading()).isFalse();
    }

    @Test
    void aShutConnectionNeverReadsAgain() {
        gate.shut();
        assertThat(reading()).isFalse();
        gate.update();
        answered(0);
        assertThat(reading()).isFalse();
    }

    @Test
    void aShutConnectionStaysPausedWhenTheBudgetDrains() {
        assertThat(budget.tryAcquire(501)).isTrue();
        admitted(1);
        gate.shut();
        budget.release(501);
        channel.runPendingTasks();
        assertThat(reading()).isFalse();
    }

    @Test
    void releasedEventsNoLongerCountAgainstTheWindow() {
        admitted(WINDOW);
        release();
        gate.update();
        assertThat(reading()).isTrue();
    }

    @Test
    void theServerGaugesFollowThisConnectionsShareAndPause() {
        admitted(WINDOW);
        assertThat(serverInFlight.events()).isEqualTo(WINDOW);
        assertThat(serverPaused.sum()).as("paused once, however many reasons").isEqualTo(1);
        clientStopsReadingAcks(true);
        gate.update();
        assertThat(serverPaused.sum()).isEqualTo(1);
        clientStopsReadingAcks(false);
        answered(3);
        assertThat(serverInFlight.events()).isEqualTo(WINDOW - 3);
        assertThat(serverPaused.sum()).as("resumed").isZero();
        admitted(5);
        assertThat(serverPaused.sum()).isEqualTo(1);
        release();
        assertThat(serverInFlight.events()).as("a closed connection's events no longer count").isZero();
        assertThat(serverPaused.sum()).as("nor its pause").isZero();
        gate.update();
        assertThat(serverPaused.sum()).isZero();
    }
}
