package dev.ledger.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fold of the journal on plain objects: sequence order whatever the read order, and no stall on a bad record. */
class JournalFolderTest {

    private static List<Decision> journal(int accounts) {
        Ledger active = new Ledger();
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            byte[] create = MutationEvent.newBuilder().setEventId("e" + i).setCreateAccount(CreateAccount.newBuilder()
                    .setAccountId("a" + i).setCurrency("USD").setGroup(AccountGroup.ACCOUNT_GROUP_CUSTOMER)).build()
                    .toByteArray();
            out.add(active.decide(create, i % 3, i));
        }
        return out;
    }

    @Test
    void recordsReadOutOfOrderAreFoldedInSequenceOrder() {
        List<Decision> j = journal(5);
        JournalFolder folder = new JournalFolder(new Ledger(), new InputPositions(Map.of()));

        assertThat(folder.offer(j.get(2).toByteArray(), 2, 0)).isZero();
        assertThat(folder.offer(j.get(1).toByteArray(), 1, 0)).isZero();
        assertThat(folder.waiting()).isEqualTo(2);
        assertThat(folder.offer(j.get(0).toByteArray(), 0, 0)).isEqualTo(3);
        assertThat(folder.offer(j.get(0).toByteArray(), 0, 0)).as("read twice: dropped").isZero();
        assertThat(folder.offer(j.get(3).toByteArray(), 0, 1)).isEqualTo(1);

        assertThat(folder.waiting()).isZero();
        assertThat(folder.ledger().nextSequence()).isEqualTo(4);
        assertThat(folder.ledger().accounts()).containsKeys("a0", "a1", "a2", "a3");
    }

    @Test
    void aRecordThatCannotBeFoldedIsSkippedAndTheFoldGoesOn() {
        List<Decision> j = journal(3);
        JournalFolder folder = new JournalFolder(new Ledger(), new InputPositions(Map.of()));
        folder.offer(j.get(0).toByteArray(), 0, 0);
        Decision bad = Decision.newBuilder().setSequence(1).setEventId("x").setOutcome(Outcome.OUTCOME_APPLIED)
                .addBalances(AccountBalance.newBuilder().setAccountId("nobody").setBalanceMinor(5)).build();
        Decision next = j.get(2);

        assertThat(folder.offer(bad.toByteArray(), 1, 0)).isZero();
        assertThat(folder.offer(next.toByteArray(), 2, 0)).isEqualTo(1);
        assertThat(folder.offer(new byte[] {(byte) 0xff}, 2, 1)).isZero();

        assertThat(folder.unreadable()).isEqualTo(2);
        assertThat(folder.ledger().nextSequence()).isEqualTo(3);
        assertThat(folder.ledger().accounts()).containsOnlyKeys("a0", "a2");
    }

    @Test
    void foldedDecisionsMoveTheInputPositionsPastTheirMutationsAndWaitingOnesDoNot() {
        List<Decision> j = journal(6); // mutation i at partition i % 3, offset i
        JournalFolder folder = new JournalFolder(new Ledger(), new InputPositions(Map.of(0, 0L, 7, 42L)));

        folder.offer(j.get(1).toByteArray(), 0, 0);
        assertThat(folder.positions().next(1)).as("waiting for sequence 0: not folded, not counted").isEqualTo(-1);
        for (Decision d : j) {
            folder.offer(d.toByteArray(), 0, 0);
        }

        assertThat(folder.positions().next(0)).isEqualTo(4);
        assertThat(folder.positions().next(1)).isEqualTo(5);
        assertThat(folder.positions().next(2)).isEqualTo(6);
        assertThat(folder.positions().next(7)).as("a snapshot's position is kept").isEqualTo(42);
        assertThat(folder.positions().next(3)).isEqualTo(-1);
    }

    @Test
    void aPositionNeverMovesBack() {
        InputPositions p = new InputPositions(Map.of(0, 100L));
        p.decided(0, 5);
        p.decided(1, 9);
        p.decided(1, 3);
        assertThat(p.all()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 100L, 1, 10L));
    }
}
