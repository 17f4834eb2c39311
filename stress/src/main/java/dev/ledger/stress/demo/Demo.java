package dev.ledger.stress.demo;

import dev.ledger.client.Mutations;
import dev.ledger.core.CoreNode;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.core.rules.Ledger;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.MutationEvent;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.devcerts.DevCertificates;
import dev.ledger.stress.load.ClientOptions;
import dev.ledger.stress.load.ClientSecurity;
import dev.ledger.stress.load.NanoClock;
import dev.ledger.stress.load.OpenLoopLimiter;
import dev.ledger.stress.load.Outcomes;
import dev.ledger.stress.load.Submitter;
import dev.ledger.stress.report.LatencyRecorder;
import dev.ledger.stress.report.LatencySummary;
import dev.ledger.stress.report.ProgressTicker;
import dev.ledger.stress.report.RunReport;
import dev.ledger.stress.verify.AckedEntry;
import dev.ledger.stress.verify.DecisionReport;
import dev.ledger.stress.verify.DecisionVerifier;
import dev.ledger.stress.verify.Verifier;
import dev.ledger.stress.verify.VerifyReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one-command demo: an embedded single-node Kafka, an in-process server on 127.0.0.1 and an in-process ledger
 * core deciding what the server stores; six accounts, a 1,000,000.00 USD top-up, transfers of 100.00 (fee 10.00,
 * tax 5.00) at a steady rate with a snapshot half way, then {@value #OVERDRAFTS} transfers from an account that
 * holds only 50.00, which the server accepts and the core rejects. Then the same verification as
 * {@code verify --decisions}: the topic against the acknowledged ids, and the decision journal folded with the
 * core's rules. Not thread-safe; run once.
 */
public final class Demo {

    public static final String TOPIC = "ledger.mutations";
    public static final String PAYER = "payer";
    public static final String PAYEE = "payee";
    public static final String FEE = "fee";
    public static final String TAX = "tax";
    public static final String SETTLEMENT = "settlement";
    public static final String USD = "USD";
    public static final long TOP_UP_MINOR = 100_000_000L;
    public static final long AMOUNT_MINOR = 10_000L;
    public static final long FEE_MINOR = 1_000L;
    public static final long TAX_MINOR = 500L;
    public static final String DECISIONS_TOPIC = "ledger.decisions";
    /** A customer topped up with less than one transfer: every transfer it sends would overdraw it. */
    public static final String SMALL_PAYER = "small-payer";
    public static final long SMALL_TOP_UP_MINOR = 5_000L;
    public static final int OVERDRAFTS = 100;
    /** Events besides the transfers: 6 accounts, 2 top-ups, 1 snapshot and the overdraft attempts. */
    public static final int SCRIPTED_EXTRA = 9 + OVERDRAFTS;

    private final int transfers;
    private final double ratePerSecond;
    private final PrintStream out;
    private final boolean tls;
    private ClientSecurity security = ClientSecurity.NONE;
    private Path tlsDir;
    private CoreNode core;

    /**
     * @param transfers how many transfers (the default script sends 10,000)
     * @param ratePerSecond transfer rate, open loop
     */
    public Demo(int transfers, double ratePerSecond, PrintStream out) {
        this(transfers, ratePerSecond, out, false);
    }

    /**
     * @param tls run the whole demo over mTLS, with a CA, a server and a client certificate made in a temporary
     *     directory
     */
    public Demo(int transfers, double ratePerSecond, PrintStream out, boolean tls) {
        if (transfers < 0 || (long) transfers * AMOUNT_MINOR > TOP_UP_MINOR) {
            throw new IllegalArgumentException("--transfers must be 0.." + TOP_UP_MINOR / AMOUNT_MINOR
                    + " so the payer is never overdrawn: " + transfers);
        }
        this.transfers = transfers;
        this.ratePerSecond = ratePerSecond;
        this.out = out;
        this.tls = tls;
    }

    public DemoResult run() throws InterruptedException {
        out.println("starting embedded Kafka (single node) ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.startSingleNode()) {
            ServerConfig.Builder config = ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                    .developmentMode(true).bindAddress("127.0.0.1").port(0).topic(TOPIC).topicPartitions(3)
                    .decisionsTopic(DECISIONS_TOPIC);
            if (tls) {
                config.tls(makeCertificates());
            }
            LedgerServer server = LedgerServer.start(config.build());
            try (CoreNode core = CoreNode.start(CoreConfig.builder().bootstrapServers(kafka.bootstrapServers())
                    .mutationsTopic(TOPIC).decisionsTopic(DECISIONS_TOPIC).adminBindAddress("127.0.0.1").adminPort(0)
                    .coreId("demo-core").build())) {
                this.core = core;
                out.printf("Kafka at %s, server %s listening on 127.0.0.1:%d, ledger core admin on 127.0.0.1:%d%n",
                        kafka.bootstrapServers(), server.serverId(), server.port(), core.adminPort());
                ConcurrentLinkedQueue<AckedEntry> acked = new ConcurrentLinkedQueue<>();
                RunReport run = send("127.0.0.1:" + server.port(), acked);
                out.print(run.format());
                VerifyReport verify = Verifier.verifyTopic(kafka.bootstrapServers(), TOPIC, new ArrayList<>(acked),
                        Duration.ofSeconds(60));
                out.print(verify.format());
                DecisionReport decisions = awaitDecisions(kafka.bootstrapServers(), core, verify.recordsScanned(),
                        acked.stream().map(AckedEntry::eventId).toList(), Duration.ofSeconds(60));
                out.print(decisions.format());
                DemoResult result = new DemoResult(run, transfers + (long) SCRIPTED_EXTRA, verify, decisions,
                        expected(), OVERDRAFTS);
                printOutcome(result);
                return result;
            } finally {
                server.shutdownGracefully(Duration.ofSeconds(10));
                deleteTlsDir();
            }
        }
    }

    private void deleteTlsDir() {
        if (tlsDir == null) {
            return;
        }
        try (var files = Files.list(tlsDir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(tlsDir);
        } catch (java.io.IOException e) {
            out.println("could not delete " + tlsDir + ": " + e);
        }
    }

    /** A CA, a server certificate for 127.0.0.1 and a client certificate, in a temporary directory; mTLS settings. */
    private ServerConfig.Tls makeCertificates() {
        try {
            Path dir = Files.createTempDirectory("ledger-demo-tls");
            tlsDir = dir;
            DevCertificates ca = DevCertificates.newAuthority("ledger-demo-ca");
            ca.writeCertificate(dir.resolve("ca.pem"));
            ca.issueServer("ledger-demo-server", "IP:127.0.0.1", "DNS:localhost")
                    .write(dir.resolve("server.pem"), dir.resolve("server.key"));
            ca.issueClient("ledger-demo-client").write(dir.resolve("client.pem"), dir.resolve("client.key"));
            security = ClientSecurity.tls(dir.resolve("ca.pem"), dir.resolve("client.pem"), dir.resolve("client.key"));
            out.println("mTLS: CA, server and client certificates in " + dir);
            return new ServerConfig.Tls(dir.resolve("server.pem"), dir.resolve("server.key"), dir.resolve("ca.pem"),
                    "1.3");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot make the demo's certificates: " + e, e);
        }
    }

    /**
     * Waits until the core has journaled a decision for each of the {@code records} mutation records, then verifies
     * the journal; a scan that finds fewer (the last transaction not yet committed) is repeated until the timeout.
     */
    private DecisionReport awaitDecisions(String bootstrap, CoreNode core, long records, List<String> ackedIds,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (nextSequence(core) < records && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        DecisionReport r = DecisionVerifier.verifyTopic(bootstrap, DECISIONS_TOPIC, ackedIds, timeout);
        while (r.decisions() < records && System.nanoTime() < deadline) {
            Thread.sleep(200);
            r = DecisionVerifier.verifyTopic(bootstrap, DECISIONS_TOPIC, ackedIds, timeout);
        }
        out.printf("ledger core decided %d of %d mutation records%n", r.decisions(), records);
        return r;
    }

    private void awaitDecided(long decisions, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (nextSequence(core) < decisions) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ledger core did not decide " + decisions + " events in "
                        + timeout + "; it is " + core.loop().role());
            }
            Thread.sleep(20);
        }
    }

    private static long nextSequence(CoreNode core) throws InterruptedException {
        try {
            return core.loop().read(Ledger::nextSequence).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return -1; // the state is being loaded: ask again
        }
    }

    private void printOutcome(DemoResult result) {
        DecisionReport d = result.decisions();
        out.printf("overdraft attempts: %d sent, %d ACCEPTED by the server, %d returned to the client REJECTED "
                + "INSUFFICIENT_FUNDS, %d REJECTED INSUFFICIENT_FUNDS in the core's journal%n", OVERDRAFTS, OVERDRAFTS,
                result.rejectedToClient(), d.rejected("INSUFFICIENT_FUNDS"));
        for (String account : List.of(PAYER, SMALL_PAYER)) {
            Long lowest = d.lowestBalancesMinor().get(account);
            out.printf("%-12s final balance %s, lowest balance in the journal %s%s%n", account,
                    major(d.balancesMinor().get(account)), major(lowest),
                    lowest != null && lowest >= 0 ? " (never below zero)" : " (BELOW ZERO)");
        }
        out.printf("expected accepted %d, balances as expected: %s%n", result.expectedAccepted(),
                result.balancesAsExpected());
        out.println(result.passed() ? "DEMO VERIFIED" : "DEMO FAILED");
    }

    private static String major(Long minor) {
        return minor == null ? "none" : String.format("%,.2f", minor / 100.0);
    }

    private RunReport send(String target, ConcurrentLinkedQueue<AckedEntry> acked) throws InterruptedException {
        LatencyRecorder latency = new LatencyRecorder();
        Outcomes outcomes = new Outcomes();
        ClientOptions client = new ClientOptions(10_000, 256, Duration.ofMillis(1), Duration.ofSeconds(30), security);
        long start = System.nanoTime();
        long sent;
        try (Submitter submitter = new Submitter(List.of(target), 1, 0, client, latency, outcomes, acked::add, false)) {
            ProgressTicker ticker = new ProgressTicker("demo", latency, out, submitter::inFlight);
            try {
                sent = script(submitter);
            } finally {
                ticker.close();
            }
            Map<String, Object> extra = new LinkedHashMap<>(submitter.sdkStats());
            return new RunReport("demo", String.format("open-loop %.0f/s", ratePerSecond), System.nanoTime() - start,
                    sent, outcomes.get(Outcomes.ACCEPTED), outcomes.snapshot(), LatencySummary.of(latency.total()),
                    latency.intervals(), latency.total(), extra);
        }
    }

    /** Sends the script and returns how many events it sent. */
    private long script(Submitter submitter) throws InterruptedException {
        Duration drain = Duration.ofSeconds(60);
        long sent = 0;
        for (MutationEvent e : List.of(create(PAYER, AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                create(PAYEE, AccountGroup.ACCOUNT_GROUP_CUSTOMER), create(FEE, AccountGroup.ACCOUNT_GROUP_FEE),
                create(TAX, AccountGroup.ACCOUNT_GROUP_TAX),
                create(SETTLEMENT, AccountGroup.ACCOUNT_GROUP_SETTLEMENT),
                create(SMALL_PAYER, AccountGroup.ACCOUNT_GROUP_CUSTOMER))) {
            submitter.submit(e, System.nanoTime());
            sent++;
        }
        awaitIdle(submitter, drain);
        // The core consumes the partitions in no fixed order: like a real client, wait for the accounts' decisions
        // before using them.
        awaitDecided(sent, drain);
        submitter.submit(Mutations.topUp(PAYER, SETTLEMENT, TOP_UP_MINOR, USD), System.nanoTime());
        submitter.submit(Mutations.topUp(SMALL_PAYER, SETTLEMENT, SMALL_TOP_UP_MINOR, USD), System.nanoTime());
        sent += 2;
        awaitIdle(submitter, drain);
        awaitDecided(sent, drain);
        out.printf("accounts opened, payer topped up; %d transfers at %.0f/s%n", transfers, ratePerSecond);
        sent += transfers(submitter, transfers / 2);
        awaitIdle(submitter, drain);
        submitter.submit(Mutations.snapshot("demo-midpoint"), System.nanoTime());
        sent++;
        awaitIdle(submitter, drain);
        out.println("snapshot written to every partition");
        sent += transfers(submitter, transfers - transfers / 2);
        awaitIdle(submitter, drain);
        out.printf("%d transfers of %s from %s, which holds %s, each awaiting the ledger core's decision%n", OVERDRAFTS,
                major(AMOUNT_MINOR), SMALL_PAYER, major(SMALL_TOP_UP_MINOR));
        sent += transfers(submitter, SMALL_PAYER, OVERDRAFTS, true);
        awaitIdle(submitter, drain);
        return sent;
    }

    private long transfers(Submitter submitter, int count) throws InterruptedException {
        return transfers(submitter, PAYER, count, false);
    }

    private long transfers(Submitter submitter, String payer, int count, boolean awaitDecision)
            throws InterruptedException {
        OpenLoopLimiter limiter = new OpenLoopLimiter(ratePerSecond, NanoClock.SYSTEM);
        for (int i = 0; i < count; i++) {
            long intended = limiter.acquire();
            submitter.submit(Mutations.transfer(payer, PAYEE, AMOUNT_MINOR, FEE_MINOR, FEE, TAX_MINOR, TAX, USD),
                    intended, awaitDecision);
        }
        return count;
    }

    private Map<String, Long> expected() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(PAYER, TOP_UP_MINOR - transfers * AMOUNT_MINOR);
        m.put(PAYEE, transfers * (AMOUNT_MINOR - FEE_MINOR - TAX_MINOR));
        m.put(FEE, transfers * FEE_MINOR);
        m.put(TAX, transfers * TAX_MINOR);
        m.put(SMALL_PAYER, SMALL_TOP_UP_MINOR);
        m.put(SETTLEMENT, -TOP_UP_MINOR - SMALL_TOP_UP_MINOR);
        return m;
    }

    private static void awaitIdle(Submitter submitter, Duration timeout) {
        if (!submitter.awaitIdle(timeout)) {
            throw new IllegalStateException("events still in flight after " + timeout);
        }
    }

    private static MutationEvent create(String account, AccountGroup group) {
        return Mutations.createAccount(account, USD, account, group);
    }
}
