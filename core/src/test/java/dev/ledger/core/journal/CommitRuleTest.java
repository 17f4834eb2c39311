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
        assertTrue(rule.due(1, 1, 0));
        assertTrue(rule.due(4999, 4999, 1_000_000L));
        assertTrue(rule.due(0, 12, 1_000_000L), "an empty poll drains the input too");
    }

    @Test
    void fullPollsOfABacklogShareOneTransactionUntilItsSizeOrAge() {
        assertFalse(rule.due(5000, 5000, 1_000_000L));
        assertFalse(rule.due(5000, 99_999, 249_999_999L));
        assertTrue(rule.due(5000, 100_000, 1_000_000L));
        assertTrue(rule.due(5000, 10_000, 250_000_000L));
    }

    @Test
    void nonsenseBoundsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CommitRule(0, 1, 1, 0));
        assertTrue(e.getMessage().contains("pollMaxRecords"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CommitRule(1, 1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new CommitRule(1, 1, 10, -1));
        IllegalArgumentException young = assertThrows(IllegalArgumentException.class, () -> new CommitRule(1, 1, 10, 11));
        assertTrue(young.getMessage().contains("minAgeNanos"), young.getMessage());
    }

    @Test
    void withAMinimumAgeADrainedInputKeepsAYoungTransactionOpenAndItsPollWaitsOutTheRest() {
        CommitRule lingering = new CommitRule(5000, 100_000, 250_000_000L, 5_000_000L);
        assertFalse(lingering.due(10, 10, 1_000_000L), "drained but 1 ms old: poll again into the same transaction");
        assertEquals(4_000_000L, lingering.lingerNanos(1_000_000L));
        assertTrue(lingering.due(0, 10, 5_000_000L), "drained and old enough");
        assertEquals(0, lingering.lingerNanos(6_000_000L), "a full poll's backlog never waits");
        assertTrue(lingering.due(5000, 100_000, 1_000_000L), "the size bound still commits a young transaction");
        assertEquals(0, rule.lingerNanos(0), "no minimum: an open transaction's poll never waits");
    }
}
