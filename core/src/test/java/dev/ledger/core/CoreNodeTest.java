package dev.ledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The core against a real broker: decisions journaled once each, restarts resume, a standby takes over. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoreNodeTest {

    private static EmbeddedKafka kafka;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.startSingleNode();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void decidesEachMutationOnceAndResumesAfterRestartFromASnapshot() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "restart");
        f.createMutationsTopic(1);
        String t1 = CoreFixture.id();
        List<byte[]> first = new ArrayList<>(List.of(
                CoreFixture.create("alice", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                CoreFixture.create("bob", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                CoreFixture.create("bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT),
                CoreFixture.topUp("alice", "bank", 1000),
                CoreFixture.transfer(t1, "alice", "bob", 600),
                CoreFixture.transfer(CoreFixture.id(), "alice", "bob", 600),
                "not a mutation".getBytes(StandardCharsets.UTF_8),
                // A foreign producer's 700 KB event id: decided MALFORMED, never a stuck core.
                CoreFixture.transfer("x".repeat(700_000), "alice", "bob", 1)));
        f.write(first);
        try (CoreNode core = CoreNode.start(f.config().snapshotEvery(3).build())) {
            List<Decision> j = f.awaitJournal(first.size(), Duration.ofSeconds(60));
            assertThat(j).extracting(Decision::getSequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(j).extracting(Decision::getMutationOffset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(j.get(7).getReasonCode()).isEqualTo(ReasonCode.REASON_MALFORMED);
            assertThat(j.get(7).getEventId()).isEmpty();
            assertThat(j.get(4).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
            assertThat(j.get(5).getReasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
            assertThat(j.get(6).getReasonCode()).isEqualTo(ReasonCode.REASON_MALFORMED);
            String alice = get(core.adminPort(), "/accounts/alice", 200);
            assertThat(alice).contains("\"balanceMinor\":400").contains("\"currency\":\"USD\"")
                    .contains("\"lastEventId\":\"" + t1 + "\"");
            assertThat(get(core.adminPort(), "/decisions/" + t1, 200)).contains("OUTCOME_APPLIED");
            get(core.adminPort(), "/accounts/nobody", 404);
            assertThat(rawStatusLine(core.adminPort(), "/accounts/a%zz")).contains(" 400 ");
            get(core.adminPort(), "/accounts/al%69ce", 200);
            assertThat(get(core.adminPort(), "/metrics", 200)).contains("ledger_core_decisions_total",
                    "ledger_core_last_snapshot_age_seconds", "jvm_memory_used_bytes");
            // The input lag is published by the loop's catch-up check, at most twice a second.
            long lagDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!get(core.adminPort(), "/metrics", 200).contains("ledger_core_consumer_lag_records{input=\"mutations\"} 0")) {
                assertThat(System.nanoTime()).as("lag gauge of a caught-up active core").isLessThan(lagDeadline);
                Thread.sleep(100);
            }
            get(core.adminPort(), "/livez", 200);
            // The group's offsets (monitoring only: the journal holds the input position) follow within a second or
            // so once the core is idle.
            var built = f.config().build();
            var tp = new org.apache.kafka.common.TopicPartition(built.mutationsTopic(), 0);
            try (var admin = kafka.admin()) {
                long groupDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (true) {
                    var o = admin.listConsumerGroupOffsets(built.groupId()).partitionsToOffsetAndMetadata()
                            .get(5, TimeUnit.SECONDS).get(tp);
                    if (o != null && o.offset() == first.size()) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("group offset of an idle core, last seen " + o)
                            .isLessThan(groupDeadline);
                    Thread.sleep(100);
                }
            }
        }
        // The resend of t1 and new events, decided by a new core that starts from the snapshot and the journal.
        f.write(List.of(CoreFixture.transfer(t1, "alice", "bob", 600), CoreFixture.topUp("bob", "bank", 5)));
        try (CoreNode core = CoreNode.start(f.config().snapshotEvery(3).build())) {
            List<Decision> j = f.awaitJournal(first.size() + 2, Duration.ofSeconds(60));
            // Snapshots every 3 decisions: the new core started from one (how the records split into transactions
            // decides which), not from an empty ledger.
            assertThat(core.loop().loadedSnapshotId()).as("snapshot the restart loaded").isBetween(3L, 8L);
            assertThat(j).hasSize(first.size() + 2);
            assertThat(j).extracting(Decision::getSequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            Decision resend = j.get(8);
            assertThat(resend.getDuplicate()).isTrue();
            assertThat(resend.getOriginalSequence()).isEqualTo(4);
            assertThat(resend.getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
            assertThat(j.get(9).getBalancesList()).anySatisfy(b -> {
                assertThat(b.getAccountId()).isEqualTo("bob");
                assertThat(b.getBalanceMinor()).isEqualTo(605);
            });
            assertThat(get(core.adminPort(), "/accounts/bob", 200)).contains("\"balanceMinor\":605");
        }
    }

    @Test
    void aStandbyTakesOverWhenTheActiveStops() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "standby");
        f.createMutationsTopic(1);
        f.write(List.of(CoreFixture.create("alice", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                CoreFixture.create("bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT)));
        CoreNode a = CoreNode.start(f.config().coreId("a").build());
        CoreNode b = null;
        try {
            f.awaitJournal(2, Duration.ofSeconds(60));
            b = CoreNode.start(f.config().coreId("b").build());
            f.write(List.of(CoreFixture.topUp("alice", "bank", 70)));
            f.awaitJournal(3, Duration.ofSeconds(60));
            awaitRole(b, "standby");
            assertThat(a.loop().role()).isEqualTo("active");
            // The standby folds the journal: it answers queries with the active's state.
            awaitBody(b.adminPort(), "/accounts/alice", "\"balanceMinor\":70");
            a.close();
            awaitRole(b, "active");
            f.write(List.of(CoreFixture.topUp("alice", "bank", 30)));
            List<Decision> j = f.awaitJournal(4, Duration.ofSeconds(60));
            assertThat(j).extracting(Decision::getSequence).containsExactly(0L, 1L, 2L, 3L);
            assertThat(j).extracting(Decision::getMutationOffset).containsExactly(0L, 1L, 2L, 3L);
            awaitBody(b.adminPort(), "/accounts/alice", "\"balanceMinor\":100");
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }

    /**
     * The core may start before any server has created the mutations topic. It takes the lease, says once that it
     * waits for the topic, keeps its loop turning (reads answered) meanwhile, and decides as soon as the topic appears.
     */
    @Test
    void becomesActiveAndDecidesWhenTheMutationsTopicAppearsAfterItStarted() throws Exception {
        CoreFixture f = new CoreFixture(kafka, "late-topic");
        String waiting = "mutations topic late-topic.mutations does not exist yet";
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        ch.qos.logback.classic.Logger coreLogs = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.ledger.core");
        coreLogs.addAppender(logged);
        try (CoreNode core = CoreNode.start(f.config().build())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!logged(logged).contains(waiting)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the core did not say it waits for the mutations topic: " + logged(logged));
                }
                Thread.sleep(50);
            }
            Thread.sleep(2000); // a few topic checks: none blocks the loop, none repeats the message
            assertThat(core.loop().role()).isEqualTo("standby");
            assertThat(core.loop().sinceLastTickMillis()).as("the loop keeps turning while it waits").isLessThan(1000);
            assertThat(core.loop().read(l -> l.nextSequence()).get(2, TimeUnit.SECONDS)).isZero();

            f.createMutationsTopic(1);
            f.write(List.of(CoreFixture.create("alice", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                    CoreFixture.create("bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT),
                    CoreFixture.topUp("alice", "bank", 25)));
            List<Decision> j = f.awaitJournal(3, Duration.ofSeconds(30));
            assertThat(j).extracting(Decision::getSequence).containsExactly(0L, 1L, 2L);
            assertThat(j).extracting(Decision::getMutationOffset).containsExactly(0L, 1L, 2L);
            assertThat(j.get(2).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
            assertThat(core.loop().role()).isEqualTo("active");
        } finally {
            coreLogs.detachAppender(logged);
        }
        String log = logged(logged);
        assertThat(log.split(java.util.regex.Pattern.quote(waiting), -1)).as("waiting said once").hasSize(2);
        assertThat(log).contains("mutations topic late-topic.mutations found");
        assertThat(log).doesNotContain("rebuilding from the journal");
    }

    /** The formatted lines the appender caught (it appends under its own lock, from the core's threads). */
    private static String logged(ListAppender<ILoggingEvent> lines) {
        synchronized (lines) {
            StringBuilder out = new StringBuilder();
            lines.list.forEach(e -> out.append(e.getFormattedMessage()).append('\n'));
            return out.toString();
        }
    }

    private static void awaitRole(CoreNode node, String role) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!node.loop().role().equals(role)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("core " + node.config().coreId() + " is " + node.loop().role() + ", not "
                        + role);
            }
            Thread.sleep(50);
        }
    }

    private void awaitBody(int port, String path, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (!last.contains(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " answered " + last + ", expected it to contain " + expected);
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            last = r.body();
            Thread.sleep(50);
        }
    }

    /** A request java.net.http refuses to send (a malformed escape), over a plain socket. */
    private static String rawStatusLine(int port, String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    private String get(int port, String path, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(status);
        return r.body();
    }
}
