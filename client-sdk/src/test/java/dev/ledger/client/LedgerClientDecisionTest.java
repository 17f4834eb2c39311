package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.CoreNode;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LedgerClient#submitForDecision} against a real broker, a real server and a real ledger core: business
 * outcomes come back through the SDK, resends give duplicate decisions, and the one true decision survives the core
 * being down and the server restarting.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LedgerClientDecisionTest {

    private static final String PREFIX = "sdk-dec";
    private static EmbeddedKafka kafka;
    private static ServerConfig serverConfig;
    private static LedgerServer server;
    private static CoreNode core;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startSingleNode();
        serverConfig = ServerConfig.builder().bootstrapServers(kafka.bootstrapServers()).developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic(PREFIX + ".mutations").topicPartitions(2)
                .decisionsTopic(PREFIX + ".decisions").decisionTimeoutMs(1000).drainTimeoutMs(1000)
                .serverId(PREFIX + "-server").build();
        server = LedgerServer.start(serverConfig);
        serverConfig = serverConfig.toBuilder().port(server.port()).build(); // a restart binds the same port
        core = startCore();
        try (LedgerClient client = client()) {
            Decision settlement = client.submitAndAwaitDecision(account("bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT));
            assertThat(settlement.applied()).isTrue();
            client.submitAndAwaitDecision(List.of(account("fees", AccountGroup.ACCOUNT_GROUP_FEE),
                    account("taxes", AccountGroup.ACCOUNT_GROUP_TAX)));
        }
    }

    private static CoreNode startCore() throws InterruptedException {
        CoreNode node = CoreNode.start(CoreConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .mutationsTopic(PREFIX + ".mutations").decisionsTopic(PREFIX + ".decisions")
                .snapshotsTopic(PREFIX + ".snapshots").leaseTopic(PREFIX + ".lease").groupId(PREFIX + "-core")
                .transactionalId(PREFIX + "-core").adminPort(-1).decisionsPartitions(2).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!node.loop().role().equals("active")) {
            assertThat(System.nanoTime()).as("core active within 60 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        return node;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdownGracefully(Duration.ofSeconds(2));
        }
        if (core != null) {
            core.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static LedgerClient client() {
        return LedgerClient.builder().endpoints("127.0.0.1:" + serverConfig.port()).clientName("decision-test")
                .requestTimeout(Duration.ofSeconds(60)).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
    }

    private static MutationEvent account(String id, AccountGroup group) {
        return Mutations.createAccount(id, "USD", id, group);
    }

    /** A payer holding {@code balance}, on fresh account ids. */
    private static String fundedPayer(LedgerClient client, long balance) {
        String payer = "payer-" + UUID.randomUUID();
        client.submitAndAwaitDecision(List.of(account(payer, AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                account(payer + "-payee", AccountGroup.ACCOUNT_GROUP_CUSTOMER)));
        assertThat(client.submitAndAwaitDecision(Mutations.topUp(payer, "bank", balance, "USD")).applied()).isTrue();
        return payer;
    }

    @Test
    void anOverdraftComesBackRejectedAndItsNeighboursApplied() {
        try (LedgerClient client = client()) {
            String payer = fundedPayer(client, 10_000);
            List<MutationEvent> transfers = new ArrayList<>();
            for (int i = 0; i < 5; i++) { // 3,000 each with a 100 fee and 50 tax: the fourth would overdraw
                transfers.add(Mutations.transfer(payer, payer + "-payee", 3_000, 100, "fees", 50, "taxes", "USD"));
            }
            List<Decision> decisions = client.submitForDecision(transfers).join();
            assertThat(decisions).extracting(Decision::eventId)
                    .containsExactlyElementsOf(transfers.stream().map(MutationEvent::getEventId).toList());
            assertThat(decisions).extracting(Decision::outcome).containsExactly(Outcome.OUTCOME_APPLIED,
                    Outcome.OUTCOME_APPLIED, Outcome.OUTCOME_APPLIED, Outcome.OUTCOME_REJECTED, Outcome.OUTCOME_REJECTED);
            assertThat(decisions.get(3).reasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
            assertThat(decisions.get(3).reason()).contains(payer);
            assertThat(decisions.get(3).balances()).isEmpty();
            assertThat(decisions.get(2).balances()).containsEntry(payer, 1_000L)
                    .containsEntry(payer + "-payee", 3 * 2_850L);
            assertThat(decisions).noneMatch(Decision::duplicate);
        }
    }

    @Test
    void aResendOfADecidedIdRepeatsItsOutcomeMarkedDuplicate() {
        try (LedgerClient client = client()) {
            String payer = fundedPayer(client, 500);
            MutationEvent overdraft = Mutations.transfer(payer, payer + "-payee", 600, 0, "", 0, "", "USD");
            MutationEvent fits = Mutations.transfer(payer, payer + "-payee", 400, 0, "", 0, "", "USD");
            Decision first = client.submitAndAwaitDecision(overdraft);
            Decision applied = client.submitAndAwaitDecision(fits);
            Decision again = client.submitAndAwaitDecision(overdraft);
            Decision appliedAgain = client.submitAndAwaitDecision(fits);
            assertThat(first.rejected()).isTrue();
            assertThat(first.duplicate()).isFalse();
            assertThat(again.duplicate()).isTrue();
            assertThat(again.outcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
            assertThat(again.reasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
            assertThat(applied.applied()).isTrue();
            assertThat(appliedAgain.duplicate()).isTrue();
            assertThat(appliedAgain.applied()).isTrue();
            assertThat(appliedAgain.offset()).isNotEqualTo(applied.offset()); // a second record, decided again
        }
    }

    @Test
    void withTheCoreDownEventsWaitPendingAndGetTheRealDecisionOnceItIsBack() throws Exception {
        try (LedgerClient client = client()) {
            String payer = fundedPayer(client, 1_000);
            core.close();
            CompletableFuture<Decision> decided = client.submitForDecision(
                    Mutations.transfer(payer, payer + "-payee", 700, 0, "", 0, "", "USD"));
            CompletableFuture<Decision> overdraft = client.submitForDecision(
                    Mutations.transfer(payer, payer + "-payee", 700, 0, "", 0, "", "USD"));
            awaitResends(client, 2); // both came back DECISION_PENDING and were sent again
            assertThat(decided).isNotDone();
            core = startCore();
            assertThat(decided.get(50, TimeUnit.SECONDS).applied()).isTrue();
            Decision second = overdraft.get(50, TimeUnit.SECONDS);
            assertThat(second.reasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
        } finally {
            if (!core.loop().role().equals("active")) {
                core = startCore();
            }
        }
    }

    @Test
    void aServerRestartWhileDecisionsAreAwaitedEndsEveryFutureWithTheOriginalDecision() throws Exception {
        try (LedgerClient client = client()) {
            String payer = fundedPayer(client, 10_000);
            core.close(); // decisions now wait, so the restart happens while they are awaited
            List<MutationEvent> events = new ArrayList<>();
            for (int i = 0; i < 30; i++) { // 1,000 each: the first ten fit, the rest overdraw
                events.add(Mutations.transfer(payer, payer + "-payee", 1_000, 0, "", 0, "", "USD"));
            }
            CompletableFuture<List<Decision>> all = client.submitForDecision(events);
            awaitResends(client, 1);
            server.shutdownGracefully(Duration.ofSeconds(1));
            server = LedgerServer.start(serverConfig);
            core = startCore();
            List<Decision> decisions = all.get(90, TimeUnit.SECONDS);
            Map<Outcome, Integer> byOutcome = new HashMap<>();
            decisions.forEach(d -> byOutcome.merge(d.outcome(), 1, Integer::sum));
            assertThat(byOutcome).containsEntry(Outcome.OUTCOME_APPLIED, 10).containsEntry(Outcome.OUTCOME_REJECTED, 20);
            assertThat(decisions.subList(0, 10)).allMatch(Decision::applied);
            assertThat(decisions.subList(10, 30)).allMatch(d -> d.reasonCode() == ReasonCode.REASON_INSUFFICIENT_FUNDS);
        } finally {
            if (!core.loop().role().equals("active")) {
                core = startCore();
            }
        }
    }

    private static void awaitResends(LedgerClient client, long atLeast) throws InterruptedException {
        long before = client.stats().eventsRetried();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.stats().eventsRetried() - before < atLeast) {
            assertThat(System.nanoTime()).as("resends after DECISION_PENDING").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
