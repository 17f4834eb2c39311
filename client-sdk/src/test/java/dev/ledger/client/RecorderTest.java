package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ledger.proto.Status;
import org.junit.jupiter.api.Test;

/** The recorder on plain objects: each fact moves its counter and reaches the listener; a listener never breaks it. */
class RecorderTest {

    private static final String AT = "127.0.0.1:7070";

    private static void recordOneOfEach(Recorder recorder) {
        recorder.submitSent(AT, 3);
        recorder.submitAnswered(AT, 3, System.nanoTime());
        recorder.eventCompleted(EventOutcome.ACCEPTED, Status.STATUS_ACCEPTED, System.nanoTime());
        recorder.eventCompleted(EventOutcome.DECISION_REJECTED, Status.STATUS_ACCEPTED, System.nanoTime());
        recorder.eventCompleted(EventOutcome.REJECTED, Status.STATUS_INVALID, System.nanoTime());
        recorder.eventsRefused(2, EventOutcome.BACKPRESSURE, 0);
        recorder.eventRetried();
        recorder.waitingForRoom(4);
        recorder.connectionOpened(AT);
        recorder.connectionLost(AT, "server left");
        recorder.connectFailed(AT, "refused");
    }

    @Test
    void eachFactMovesItsCounterAndReachesTheListenerWithTheSameNumbers() {
        CountingListener heard = new CountingListener();
        Recorder recorder = new Recorder(heard);
        recordOneOfEach(recorder);

        ClientStats stats = recorder.snapshot(7);
        assertThat(stats).isEqualTo(new ClientStats(1, 3, 1, 2, 3, 1, 1, 1, 1, 1, 0, 7));
        assertThat(heard.eventsSent.sum()).isEqualTo(stats.eventsSent());
        assertThat(heard.countStartingWith("submitAnswered")).isEqualTo(stats.framesAnswered());
        assertThat(heard.count("eventCompleted ACCEPTED STATUS_ACCEPTED")
                + heard.count("eventCompleted DECISION_REJECTED STATUS_ACCEPTED")).isEqualTo(stats.eventsAccepted());
        assertThat(heard.count("eventCompleted REJECTED STATUS_INVALID")).isEqualTo(1);
        assertThat(heard.count("eventCompleted BACKPRESSURE STATUS_UNSPECIFIED")).isEqualTo(2);
        assertThat(heard.count("eventRetried")).isEqualTo(stats.eventsRetried());
        assertThat(heard.count("waitingForRoom 4")).isEqualTo(stats.waitsForRoom());
        assertThat(heard.count("connectionOpened " + AT)).isEqualTo(stats.connectionsOpened());
        assertThat(heard.count("connectionLost " + AT)).isEqualTo(stats.connectionsLost());
        assertThat(heard.count("connectFailed " + AT)).isEqualTo(stats.connectFailures());
        assertThat(stats.connectionsOpen()).isZero();
        assertThat(heard.negativeDurations.sum()).isZero();
    }

    @Test
    void withoutAListenerTheCountersStillMove() {
        Recorder recorder = new Recorder(Recorder.NO_LISTENER);
        assertThat(recorder.listening()).isFalse();
        recordOneOfEach(recorder);
        assertThat(recorder.snapshot(0)).isEqualTo(new ClientStats(1, 3, 1, 2, 3, 1, 1, 1, 1, 1, 0, 0));
    }

    @Test
    void aThrowingListenerIsCountedAndNeverBreaksTheRecorder() {
        Recorder recorder = new Recorder(new LedgerClientListener() {
            @Override
            public void submitSent(String endpoint, int events) {
                throw new IllegalStateException("listener bug (test)");
            }

            @Override
            public void eventCompleted(EventOutcome outcome, Status status, long latencyNanos) {
                throw new IllegalStateException("listener bug (test)");
            }
        });
        assertThatCode(() -> recordOneOfEach(recorder)).doesNotThrowAnyException();
        ClientStats stats = recorder.snapshot(0);
        assertThat(stats.framesSent()).isEqualTo(1);
        assertThat(stats.eventsAccepted() + stats.eventsFailed()).isEqualTo(5);
        assertThat(stats.listenerFailures()).as("submitSent once, eventCompleted five times").isEqualTo(6);
    }

    @Test
    void eventsCompletedOnTheLoopAndElsewhereAreCountedOnceEachAndAllReachTheListener() throws Exception {
        CountingListener heard = new CountingListener();
        Recorder recorder = new Recorder(heard);
        Thread loop = new Thread(() -> {
            for (int i = 0; i < 1_000; i++) {
                recorder.eventCompletedOnLoop(EventOutcome.ACCEPTED, Status.STATUS_ACCEPTED, System.nanoTime());
            }
            recorder.eventCompletedOnLoop(EventOutcome.REJECTED, Status.STATUS_INVALID, System.nanoTime());
        });
        Thread timer = new Thread(() -> {
            for (int i = 0; i < 500; i++) {
                recorder.eventCompleted(EventOutcome.TIMED_OUT, Status.STATUS_UNSPECIFIED, System.nanoTime());
            }
            recorder.eventCompleted(EventOutcome.DECISION_APPLIED, Status.STATUS_ACCEPTED, System.nanoTime());
        });
        loop.start();
        timer.start();
        loop.join(10_000);
        timer.join(10_000);
        assertThat(loop.isAlive() || timer.isAlive()).isFalse();

        ClientStats stats = recorder.snapshot(0);
        assertThat(stats.eventsAccepted()).isEqualTo(1_001);
        assertThat(stats.eventsFailed()).isEqualTo(501);
        assertThat(heard.count("eventCompleted ACCEPTED STATUS_ACCEPTED")).isEqualTo(1_000);
        assertThat(heard.count("eventCompleted REJECTED STATUS_INVALID")).isEqualTo(1);
        assertThat(heard.count("eventCompleted TIMED_OUT STATUS_UNSPECIFIED")).isEqualTo(500);
        assertThat(heard.count("eventCompleted DECISION_APPLIED STATUS_ACCEPTED")).isEqualTo(1);
    }

    @Test
    void aListenerFailureIsLoggedAtMostOnceAMinute() {
        Recorder recorder = new Recorder(Recorder.NO_LISTENER);
        long t = System.nanoTime();
        assertThat(recorder.claimWarning(t)).as("the first failure").isTrue();
        assertThat(recorder.claimWarning(t)).isFalse();
        assertThat(recorder.claimWarning(t + Recorder.WARN_INTERVAL_NANOS - 1)).isFalse();
        assertThat(recorder.claimWarning(t + Recorder.WARN_INTERVAL_NANOS)).isTrue();
        assertThat(recorder.claimWarning(t + Recorder.WARN_INTERVAL_NANOS + 1)).isFalse();
    }

    @Test
    void eachFailureMapsToItsOutcomeAndStatus() {
        assertThat(EventOutcome.of(new LedgerRejectedException("e", Status.STATUS_PERMISSION_DENIED, "rule")))
                .isEqualTo(EventOutcome.REJECTED);
        assertThat(EventOutcome.statusOf(new LedgerRejectedException("e", Status.STATUS_PERMISSION_DENIED, "rule")))
                .isEqualTo(Status.STATUS_PERMISSION_DENIED);
        assertThat(EventOutcome.of(new LedgerTimeoutException("late"))).isEqualTo(EventOutcome.TIMED_OUT);
        assertThat(EventOutcome.of(new LedgerBackpressureException("full"))).isEqualTo(EventOutcome.BACKPRESSURE);
        assertThat(EventOutcome.of(new LedgerClosedException("closed"))).isEqualTo(EventOutcome.CLOSED);
        assertThat(EventOutcome.statusOf(new LedgerTimeoutException("late"))).isEqualTo(Status.STATUS_UNSPECIFIED);
        assertThat(EventOutcome.values()).filteredOn(EventOutcome::succeeded)
                .containsExactly(EventOutcome.ACCEPTED, EventOutcome.DECISION_APPLIED, EventOutcome.DECISION_REJECTED);
    }
}
