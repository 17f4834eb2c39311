package dev.ledger.server.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.rules.DecisionOut;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Decisions;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Decisions frame built from decisions' bytes is byte for byte the frame the protobuf objects make, through the
 * server's encoder: decisions the ledger core writes (balances, an opened account, duplicates, rejections with
 * non-ASCII reasons, malformed records), the server's DECISION_PENDING entries, empty lists and edge request ids.
 */
class DecisionsFrameTest {

    /** What the server sent before: the frame built as objects, through {@link ServerFrameEncoder}. */
    private static byte[] viaObjects(long requestId, List<Decision> decisions) {
        EmbeddedChannel channel = new EmbeddedChannel(new ServerFrameEncoder());
        channel.writeOutbound(ServerFrame.newBuilder().setDecisions(Decisions.newBuilder().setRequestId(requestId)
                .addAllDecisions(decisions)).build());
        ByteBuf buf = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
            assertThat(channel.finish()).isFalse();
        }
    }

    private static byte[] direct(long requestId, List<byte[]> decisions) {
        ByteBuf buf = DecisionsFrame.encode(PooledByteBufAllocator.DEFAULT, requestId, decisions);
        try {
            assertThat(buf.writableBytes()).as("sized exactly").isZero();
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** The frame from the bytes equals the frame from the objects parsed from those bytes. */
    private static void assertSameBytes(long requestId, List<byte[]> raw) throws Exception {
        List<Decision> decisions = new ArrayList<>();
        for (byte[] bytes : raw) {
            decisions.add(Decision.parseFrom(bytes));
        }
        byte[] expected = viaObjects(requestId, decisions);
        assertThat(direct(requestId, raw)).isEqualTo(expected);
        ServerFrame parsed = ServerFrame.parseFrom(Arrays.copyOfRange(expected, 4, expected.length));
        assertThat(parsed.getDecisions().getRequestId()).isEqualTo(requestId);
        assertThat(parsed.getDecisions().getDecisionsList()).isEqualTo(decisions);
    }

    /** A ledger core's decisions, as the bytes it journals. */
    private static final class Core {
        private final Ledger ledger = new Ledger();
        private final DecisionOut out = new DecisionOut();
        private long offset;

        byte[] decide(MutationEvent event) {
            return decide(event.toByteArray());
        }

        byte[] decide(byte[] value) {
            ledger.decideInto(value, 1, offset++, out);
            return out.toByteArray();
        }
    }

    private static MutationEvent open(String id, String account, AccountGroup group, String name) {
        return MutationEvent.newBuilder().setEventId(id).setCreateAccount(CreateAccount.newBuilder()
                .setAccountId(account).setCurrency("EUR").setDisplayName(name).setGroup(group)).build();
    }

    private static MutationEvent topUp(String id, String account, long amount) {
        return MutationEvent.newBuilder().setEventId(id).setTopUp(TopUp.newBuilder().setAccountId(account)
                .setSettlementAccountId("bank").setAmountMinor(amount).setCurrency("EUR")).build();
    }

    private static MutationEvent transfer(String id, String payer, String payee, long amount, long fee) {
        Transfer.Builder t = Transfer.newBuilder().setPayerAccountId(payer).setPayeeAccountId(payee)
                .setAmountMinor(amount).setCurrency("EUR");
        if (fee > 0) {
            t.setFeeMinor(fee).setFeeAccountId("fees");
        }
        return MutationEvent.newBuilder().setEventId(id).setTransfer(t).build();
    }

    private static byte[] pending(String eventId, String reason) {
        return Decision.newBuilder().setEventId(eventId).setOutcome(Outcome.OUTCOME_DECISION_PENDING)
                .setReason(reason).build().toByteArray();
    }

    @Test
    void theCoresDecisionsOfEveryKindMakeTheProtobufFrame() throws Exception {
        Core core = new Core();
        List<byte[]> raw = new ArrayList<>();
        raw.add(core.decide(open("o-bank", "bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT, "Bank")));
        raw.add(core.decide(open("o-fees", "fees", AccountGroup.ACCOUNT_GROUP_FEE, "Fees")));
        raw.add(core.decide(open("o-a", "ünï-a", AccountGroup.ACCOUNT_GROUP_CUSTOMER, "Zoë Ω 😀")));
        raw.add(core.decide(open("o-b", "b", AccountGroup.ACCOUNT_GROUP_CUSTOMER, "")));
        raw.add(core.decide(topUp("t-1", "ünï-a", 10_000)));
        raw.add(core.decide(transfer("x-1", "ünï-a", "b", 2_500, 25)));
        raw.add(core.decide(transfer("x-1", "ünï-a", "b", 2_500, 25))); // a duplicate
        raw.add(core.decide(transfer("x-2", "ünï-a", "b", 1_000_000, 0))); // insufficient funds
        raw.add(core.decide(transfer("x-3", "ghöst", "b", 1, 0))); // unknown account
        raw.add(core.decide(transfer("x-1", "b", "ünï-a", 7, 0))); // the id reused with another body
        raw.add(core.decide(new byte[] {1, 2, 3})); // malformed: no readable id
        raw.add(pending("p-1", "no decision from the ledger core within 5000 ms; the event is stored"));
        raw.add(pending("é-2", "server shut down before the ledger core's decision arrived ✓"));
        List<Decision> parsed = new ArrayList<>();
        for (byte[] bytes : raw) {
            parsed.add(Decision.parseFrom(bytes));
        }
        assertThat(parsed).extracting(Decision::getBalancesCount).as("balances are in it").contains(2, 3);
        assertThat(parsed).extracting(Decision::getDuplicate).contains(true);
        assertThat(parsed).extracting(Decision::getOutcome).contains(Outcome.OUTCOME_APPLIED,
                Outcome.OUTCOME_REJECTED, Outcome.OUTCOME_DECISION_PENDING);
        assertThat(parsed).extracting(Decision::getEventId).contains("");
        assertSameBytes(77, raw);
        for (int i = 0; i < raw.size(); i++) {
            assertSameBytes(i, List.of(raw.get(i)));
        }
    }

    @Test
    void emptyListsAndEdgeRequestIdsMakeTheProtobufFrame() throws Exception {
        assertSameBytes(0, List.of());
        assertSameBytes(1, List.of());
        assertSameBytes(-1L, List.of(pending("x", "")));
        assertSameBytes(0, List.of(Decision.getDefaultInstance().toByteArray())); // an empty decision
        assertSameBytes(Long.MIN_VALUE, List.of(pending("x".repeat(300), "r".repeat(20_000))));
    }

    @Test
    void randomBatchesOfTheCoresDecisionsMakeTheProtobufFrame() throws Exception {
        Random random = new Random(6);
        Core core = new Core();
        core.decide(open("o-bank", "bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT, "Bank"));
        core.decide(open("o-fees", "fees", AccountGroup.ACCOUNT_GROUP_FEE, "Fees"));
        String[] accounts = {"a", "b", "c-ü", "d"};
        for (String a : accounts) {
            core.decide(open("o-" + a, a, AccountGroup.ACCOUNT_GROUP_CUSTOMER, a.toUpperCase()));
            core.decide(topUp("t-" + a, a, 1_000_000));
        }
        for (int round = 0; round < 100; round++) {
            int count = random.nextInt(round < 95 ? 20 : 500);
            List<byte[]> raw = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = "evt-" + random.nextInt(round * 20 + 50); // some repeat: duplicates and reuse
                raw.add(random.nextInt(20) == 0 ? pending(id, "too many Submits are waiting for event_id " + id)
                        : core.decide(transfer(id, accounts[random.nextInt(4)], accounts[random.nextInt(4)],
                                1 + random.nextInt(300_000), random.nextInt(3))));
            }
            assertSameBytes(random.nextLong(), raw);
        }
    }

    @Test
    void anUnpooledAllocatorGetsTheSameBytes() throws Exception {
        List<byte[]> raw = List.of(pending("a", "slow"), pending("b", ""));
        ByteBuf buf = DecisionsFrame.encode(UnpooledByteBufAllocator.DEFAULT, 9, raw);
        try {
            assertThat(ByteBufUtil.getBytes(buf)).isEqualTo(viaObjects(9, List.of(Decision.parseFrom(raw.get(0)),
                    Decision.parseFrom(raw.get(1)))));
        } finally {
            buf.release();
        }
    }
}
