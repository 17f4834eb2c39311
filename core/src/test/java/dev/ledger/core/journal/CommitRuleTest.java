package dev.ledger.core.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommitRuleTest {

    private final CommitRule rule = new CommitRule(5000, 100_000, 250_000_000L, 0);

    @Test
    void aPollThatIsNotFullCommitsAtOnceSoAKeptUpCoreAnswersWithinOneCommit() {
        assertTrue(rule.due(1, 1, 0, 0));
        assertTrue(rule.due(4999, 4999, 1_000_000L, 0));
        assertTrue(rule.due(0, 12, 1_000_000L, 0), "an empty poll drains the input too");
    }

    @Test
    void fullPollsOfABacklogShareOneTransactionUntilItsSizeOrAge() {
        assertFalse(rule.due(5000, 5000, 1_000_000L, 1_000_000L));
        assertFalse(rule.due(5000, 99_999, 249_999_999L, 1_000_000L));
        assertTrue(rule.due(5000, 100_000, 1_000_000L, 1_000_000L));
        assertTrue(rule.due(5000, 10_000, 250_000_000L, 1_000_000L));
    }

    @Test
    void nonsenseBoundsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CommitRule(0, 1, 1, 0));
        assertTrue(e.getMessage().contains("pollMaxRecords"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CommitRule(1, 1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new CommitRule(1, 1, 10, -1));
        IllegalArgumentException young =
                assertThrows(IllegalArgumentException.class, () -> new CommitRule(1, 1, 10, 11));
        assertTrue(young.getMessage().contains("minGapNanos"), young.getMessage());
    }

    @Test
    void withAGapADrainedTransactionWaitsForMoreInputUntilTheGapSinceTheLastCommitHasPassed() {
        CommitRule spaced = new CommitRule(5000, 100_000, 250_000_000L, 5_000_000L);
        assertFalse(spaced.due(10, 10, 1_000_000L, 2_000_000L), "drained, 2 ms after the last commit: poll again");
        assertEquals(3_000_000L, spaced.lingerNanos(2_000_000L), "and that poll waits out the rest of the gap");
        assertTrue(spaced.due(0, 10, 3_000_000L, 5_000_000L), "drained and the gap has passed");
        assertTrue(spaced.due(1, 1, 0, 60_000_000_000L), "after a quiet spell the first decision commits at once");
        assertEquals(0, spaced.lingerNanos(6_000_000L));
        assertTrue(spaced.due(5000, 100_000, 1_000_000L, 0), "the size bound still commits");
        assertTrue(spaced.due(5000, 10, 250_000_000L, 0), "and so does the age bound");
        assertEquals(0, rule.lingerNanos(0), "no gap: an open transaction's poll never waits");
    }

    @Test
    void thePollWaitsWholeMillisecondsRoundedUpSoTheEndOfAGapIsNotSpentSpinning() {
        CommitRule spaced = new CommitRule(5000, 100_000, 250_000_000L, 5_000_000L);
        assertEquals(5, spaced.pollWaitMillis(0));
        assertEquals(4, spaced.pollWaitMillis(1_300_000L), "3.7 ms left: 4, not 3");
        assertEquals(1, spaced.pollWaitMillis(4_300_000L), "0.7 ms left: 1, not 0 (a 0 ms poll returns at once)");
        assertEquals(0, spaced.pollWaitMillis(5_000_000L), "the gap has passed: the drained transaction commits");
        assertEquals(0, spaced.pollWaitMillis(Long.MAX_VALUE / 2));
        assertEquals(0, rule.pollWaitMillis(0));
    }
}
