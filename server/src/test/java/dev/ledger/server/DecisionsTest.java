package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.CoreNode;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.core.journal.DecisionKeys;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Decisions;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.proto.Submit;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decisions back to the client, on raw frames: a real broker, a real ledger core and real servers. One server has a
 * core behind it; the other reads a decisions topic no core writes, so its awaited events end DECISION_PENDING.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DecisionsTest {

    private static final long DECISION_TIMEOUT_MS = 5000;
    private static final long NO_CORE_DECISION_TIMEOUT_MS = 800;
    private static EmbeddedKafka kafka;
    private static CoreNode core;
    private static LedgerServer server;
    private static LedgerServer noCoreServer;
    /** A second server on the core's topics whose id maps to the other decisions partition. */
    private static LedgerServer serverB;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSingleNode();
        server = LedgerServer.start(config("dt.mutations", "dt.decisions", "dt-server").build());
        serverB = LedgerServer.start(config("dt.mutations", "dt.decisions", otherPartitionId("dt-server", 2)).build());
        noCoreServer = LedgerServer.start(config("dt-nocore.mutations", "dt-nocore.decisions", "dt-nocore")
                .maxInFlightEventsPerConnection(50).decisionTimeoutMs(NO_CORE_DECISION_TIMEOUT_MS).build());
        core = CoreNode.start(CoreConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .mutationsTopic("dt.mutations").decisionsTopic("dt.decisions").snapshotsTopic("dt.snapshots")
                .leaseTopic("dt.lease").groupId("dt-core").transactionalId("dt-core").adminPort(-1)
                .decisionsPartitions(2).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!core.loop().role().equals("active")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the core did not become active: " + core.loop().role());
            }
            sleep(20);
        }
    }

    /** A server id whose decisions land in another partition than {@code id}'s. */
    private static String otherPartitionId(String id, int partitions) {
        int taken = DecisionKeys.partitionFor(DecisionKeys.keyOf(id), partitions);
        for (int i = 0; ; i++) {
            String candidate = id + "-b" + i;
            if (DecisionKeys.partitionFor(DecisionKeys.keyOf(candidate), partitions) != taken) {
                return candidate;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static ServerConfig.Builder config(String topic, String decisions, String serverId) {
        return ServerConfig.builder().bootstrapServers(kafka.bootstrapServers()).developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic(topic).topicPartitions(2).decisionsTopic(decisions)
                .decisionTimeoutMs(DECISION_TIMEOUT_MS).serverId(serverId);
    }

    @AfterAll
    static void stop() {
        for (LedgerServer s : new LedgerServer[] {server, serverB, noCoreServer}) {
            if (s != null) {
                s.shutdownGracefully(Duration.ofSeconds(2));
            }
        }
        if (core != null) {
            core.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static MutationEvent account(String id, AccountGroup group) {
        return MutationEvent.newBuilder().setEventId(TestEvents.newId()).setCreateAccount(CreateAccount.newBuilder()
                .setAccountId(id).setCurrency("EUR").setDisplayName(id).setGroup(group)).build();
    }

    private static MutationEvent topUp(String account, String settlement, long amount) {
        return MutationEvent.newBuilder().setEventId(TestEvents.newId()).setTopUp(TopUp.newBuilder()
                .setAccountId(account).setSettlementAccountId(settlement).setAmountMinor(amount).setCurrency("EUR"))
                .build();
    }

    private static MutationEvent transfer(String payer, String payee, String fees, long amount) {
        return MutationEvent.newBuilder().setEventId(TestEvents.newId()).setTransfer(Transfer.newBuilder()
                .setPayerAccountId(payer).setPayeeAccountId(payee).setAmountMinor(amount).setFeeMinor(1)
                .setFeeAccountId(fees).setCurrency("EUR")).build();
    }

    private static void submit(RawFrameClient c, long requestId, List<MutationEvent> events, boolean await)
            {
        c.send(ClientFrame.newBuilder().setSubmit(Submit.newBuilder().setRequestId(requestId).addAllEvents(events)
                .setAwaitDecision(await)).build());
    }

    @Test
    void welcomeAdvertisesDecisionsAndTheirTimeout() {
        try (RawFrameClient c = RawFrameClient.connect(server.port())) {
            ServerFrame welcome = c.hello("decisions-test", "");
            assertThat(welcome.getWelcome().getDecisions()).isTrue();
            assertThat(welcome.getWelcome().getDecisionTimeoutMs()).isEqualTo((int) DECISION_TIMEOUT_MS);
        }
    }

    @Test
    void ackComesFirstThenTheCoresDecisionsInSubmitOrderWithTheOverdraftRejected() {
        String p = "ack-first-";
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "decisions-test")) {
            // Accounts first: they are keyed (so partitioned) apart, and the core decides partitions interleaved.
            submit(c, 6, List.of(account(p + "settlement", AccountGroup.ACCOUNT_GROUP_SETTLEMENT),
                    account(p + "payer", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                    account(p + "payee", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                    account(p + "fees", AccountGroup.ACCOUNT_GROUP_FEE)), true);
            assertThat(c.read().hasAck()).isTrue();
            assertThat(c.read().getDecisions().getDecisionsList()).hasSize(4)
                    .allMatch(x -> x.getOutcome() == Outcome.OUTCOME_APPLIED);
        }
        List<MutationEvent> events = List.of( // all keyed by the payer: one partition, decided in this order
                topUp(p + "payer", p + "settlement", 5_000),
                transfer(p + "payer", p + "payee", p + "fees", 4_000),
                transfer(p + "payer", p + "payee", p + "fees", 4_000), // only 1,000 left: overdraft
                MutationEvent.newBuilder().setEventId("").build()); // INVALID: answered in the Ack only
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "decisions-test")) {
            submit(c, 7, events, true);
            ServerFrame first = c.read();
            assertThat(first.hasAck()).as("the Ack comes first: %s", first).isTrue();
            Ack ack = first.getAck();
            assertThat(ack.getResultsList().subList(0, 3)).allMatch(r -> r.getStatus() == Status.STATUS_ACCEPTED);
            assertThat(ack.getResults(3).getStatus()).isEqualTo(Status.STATUS_INVALID);
            ServerFrame second = c.read();
            assertThat(second.hasDecisions()).as("then the Decisions: %s", second).isTrue();
            Decisions decisions = second.getDecisions();
            assertThat(decisions.getRequestId()).isEqualTo(7);
            assertThat(decisions.getDecisionsList()).extracting(Decision::getEventId)
                    .containsExactlyElementsOf(events.subList(0, 3).stream().map(MutationEvent::getEventId).toList());
            List<Decision> d = decisions.getDecisionsList();
            assertThat(d.subList(0, 2)).allMatch(x -> x.getOutcome() == Outcome.OUTCOME_APPLIED);
            assertThat(d.get(2).getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
            assertThat(d.get(2).getReasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
            assertThat(d.get(1).getBalancesList()).anyMatch(b -> b.getAccountId().equals(p + "payer")
                    && b.getBalanceMinor() == 1_000);
            assertThat(d.get(1).getMutationOffset()).isEqualTo(ack.getResults(1).getOffset());
        }
    }

    @Test
    void twoServersEachReadOnlyTheirOwnDecisions() {
        long deliveredA = server.decisionReader().delivered();
        long deliveredB = serverB.decisionReader().delivered();
        List<MutationEvent> toA = new java.util.ArrayList<>();
        List<MutationEvent> toB = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            toA.add(account("two-a-" + TestEvents.newId(), AccountGroup.ACCOUNT_GROUP_CUSTOMER));
            toB.add(account("two-b-" + TestEvents.newId(), AccountGroup.ACCOUNT_GROUP_CUSTOMER));
        }
        try (RawFrameClient a = RawFrameClient.connectAndHello(server.port(), "client-a");
                RawFrameClient b = RawFrameClient.connectAndHello(serverB.port(), "client-b")) {
            submit(a, 1, toA, true);
            submit(b, 1, toB, true);
            assertThat(a.read().hasAck()).isTrue();
            assertThat(b.read().hasAck()).isTrue();
            assertThat(a.read().getDecisions().getDecisionsList()).extracting(Decision::getEventId)
                    .containsExactlyElementsOf(toA.stream().map(MutationEvent::getEventId).toList());
            assertThat(b.read().getDecisions().getDecisionsList()).extracting(Decision::getEventId)
                    .containsExactlyElementsOf(toB.stream().map(MutationEvent::getEventId).toList());
        }
        // The reader counts a delivery after handing it over, so the client may read its frame a moment earlier.
        awaitCount(() -> server.decisionReader().delivered() - deliveredA, 20);
        awaitCount(() -> serverB.decisionReader().delivered() - deliveredB, 20);
        // Each reads only its own partition: the other server's decisions never cross its path.
        assertThat(server.decisionReader().skipped()).isZero();
        assertThat(serverB.decisionReader().skipped()).isZero();
    }

    @Test
    void aSubmitThatDoesNotAwaitGetsNoDecisions() {
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "decisions-test")) {
            submit(c, 1, List.of(account("no-await-" + TestEvents.newId(), AccountGroup.ACCOUNT_GROUP_CUSTOMER)), false);
            assertThat(c.read().hasAck()).isTrue();
            c.ping(42);
            ServerFrame next = c.readWithin(Duration.ofSeconds(3));
            assertThat(next).isNotNull();
            assertThat(next.hasPong()).as("no Decisions frame before the Pong: %s", next).isTrue();
        }
    }

    @Test
    void withoutACoreAwaitedEventsEndDecisionPendingAfterTheTimeout() {
        try (RawFrameClient c = RawFrameClient.connectAndHello(noCoreServer.port(), "decisions-test")) {
            MutationEvent e = account("pending-" + TestEvents.newId(), AccountGroup.ACCOUNT_GROUP_CUSTOMER);
            long start = System.nanoTime();
            submit(c, 3, List.of(e), true);
            assertThat(c.read().getAck().getResults(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
            ServerFrame f = c.read();
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(f.hasDecisions()).isTrue();
            Decision d = f.getDecisions().getDecisions(0);
            assertThat(d.getEventId()).isEqualTo(e.getEventId());
            assertThat(d.getOutcome()).isEqualTo(Outcome.OUTCOME_DECISION_PENDING);
            assertThat(d.getReason()).contains("resend it with the same event_id");
            assertThat(waitedMs).as("not before the decision timeout").isGreaterThanOrEqualTo(NO_CORE_DECISION_TIMEOUT_MS - 50);
        }
    }

    @Test
    void aClientThatNeverReadsHoldsNoMoreThanItsWindow() throws Exception {
        // 50 events in flight at most on this server; the client writes 5,000 one-event Submits and reads nothing.
        RawFrameClient c = RawFrameClient.connectAndHello(noCoreServer.port(), "never-reads");
        Thread writer = new Thread(() -> {
            try {
                for (int i = 1; i <= 5_000; i++) {
                    submit(c, i, List.of(account("silent-" + i, AccountGroup.ACCOUNT_GROUP_CUSTOMER)), true);
                }
            } catch (IllegalStateException expected) {
                // the socket is closed at the end of the test while this thread is stuck in a full send buffer
            }
        });
        writer.setDaemon(true);
        writer.start();
        try {
            // The window is checked after each read, so one read's worth of frames may pass it; never more.
            int bound = 50 + 64 * 1024 / 60;
            int most = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < end) {
                most = Math.max(most, noCoreServer.context().decisions().size());
                assertThat(noCoreServer.context().inFlight().submits()).isLessThanOrEqualTo(bound);
                Thread.sleep(20);
            }
            assertThat(most).as("awaited events were held, within the window").isPositive().isLessThanOrEqualTo(bound);
        } finally {
            c.close();
            writer.join(5_000);
        }
    }

    @Test
    void aConnectionThatClosesDropsItsAwaitedEvents() throws Exception {
        RawFrameClient c = RawFrameClient.connectAndHello(noCoreServer.port(), "closes");
        submit(c, 1, List.of(account("dropped-" + TestEvents.newId(), AccountGroup.ACCOUNT_GROUP_CUSTOMER)), true);
        assertThat(c.read().hasAck()).isTrue();
        assertThat(noCoreServer.context().decisions().size()).isEqualTo(1);
        c.close();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (noCoreServer.context().decisions().size() > 0 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(noCoreServer.context().decisions().size()).isZero();
        assertThat(noCoreServer.context().inFlight().submits()).isZero();
    }

    /** Waits up to 5 s for {@code count} to reach {@code expected}, then asserts it (never more, never less). */
    private static void awaitCount(java.util.function.LongSupplier count, long expected) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (count.getAsLong() < expected && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertThat(count.getAsLong()).isEqualTo(expected);
    }
}
