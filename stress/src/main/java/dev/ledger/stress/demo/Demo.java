package dev.ledger.stress.demo;

import dev.ledger.client.Mutations;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.MutationEvent;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.stress.load.ClientOptions;
import dev.ledger.stress.load.NanoClock;
import dev.ledger.stress.load.OpenLoopLimiter;
import dev.ledger.stress.load.Outcomes;
import dev.ledger.stress.load.Submitter;
import dev.ledger.stress.report.LatencyRecorder;
import dev.ledger.stress.report.LatencySummary;
import dev.ledger.stress.report.ProgressTicker;
import dev.ledger.stress.report.RunReport;
import dev.ledger.stress.verify.AckedEntry;
import dev.ledger.stress.verify.LedgerReplay;
import dev.ledger.stress.verify.Verifier;
import dev.ledger.stress.verify.VerifyReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one-command demo: an embedded single-node Kafka and an in-process server on 127.0.0.1, five accounts,
 * a 1,000,000.00 USD top-up, transfers of 100.00 (fee 10.00, tax 5.00) at a steady rate with a snapshot half
 * way, then the same verification as {@code verify} and a replay of the balances. Not thread-safe; run once.
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

    private final int transfers;
    private final double ratePerSecond;
    private final PrintStream out;

    /**
     * @param transfers how many transfers (the default script sends 10,000)
     * @param ratePerSecond transfer rate, open loop
     */
    public Demo(int transfers, double ratePerSecond, PrintStream out) {
        if (transfers < 0 || (long) transfers * AMOUNT_MINOR > TOP_UP_MINOR) {
            throw new IllegalArgumentException("--transfers must be 0.." + TOP_UP_MINOR / AMOUNT_MINOR
                    + " so the payer is never overdrawn: " + transfers);
        }
        this.transfers = transfers;
        this.ratePerSecond = ratePerSecond;
        this.out = out;
    }

    public DemoResult run() throws InterruptedException {
        out.println("starting embedded Kafka (single node) ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.startSingleNode()) {
            LedgerServer server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                    .developmentMode(true).bindAddress("127.0.0.1").port(0).topic(TOPIC).topicPartitions(3).build());
            try {
                out.printf("Kafka at %s, server %s listening on 127.0.0.1:%d%n", kafka.bootstrapServers(),
                        server.serverId(), server.port());
                ConcurrentLinkedQueue<AckedEntry> acked = new ConcurrentLinkedQueue<>();
                RunReport run = send("127.0.0.1:" + server.port(), acked);
                out.print(run.format());
                LedgerReplay replay = new LedgerReplay();
                VerifyReport verify = Verifier.verifyTopic(kafka.bootstrapServers(), TOPIC, new ArrayList<>(acked),
                        Duration.ofSeconds(60), replay);
                DemoResult result = new DemoResult(run, transfers + 7L, verify, replay.replay(), expected());
                out.print(verify.format());
                out.print(result.replay().format());
                out.printf("expected accepted %d, balances as expected: %s%n", result.expectedAccepted(),
                        result.balancesAsExpected());
                out.println(result.passed() ? "DEMO VERIFIED" : "DEMO FAILED");
                return result;
            } finally {
                server.shutdownGracefully(Duration.ofSeconds(10));
            }
        }
    }

    private RunReport send(String target, ConcurrentLinkedQueue<AckedEntry> acked) throws InterruptedException {
        LatencyRecorder latency = new LatencyRecorder();
        Outcomes outcomes = new Outcomes();
        ClientOptions client = new ClientOptions(10_000, 256, Duration.ofMillis(1), Duration.ofSeconds(30), null);
        long start = System.nanoTime();
        long sent;
        try (Submitter submitter = new Submitter(List.of(target), 1, 0, client, latency, outcomes, acked::add)) {
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
                create(SETTLEMENT, AccountGroup.ACCOUNT_GROUP_SETTLEMENT))) {
            submitter.submit(e, System.nanoTime());
            sent++;
        }
        awaitIdle(submitter, drain);
        submitter.submit(Mutations.topUp(PAYER, SETTLEMENT, TOP_UP_MINOR, USD), System.nanoTime());
        sent++;
        awaitIdle(submitter, drain);
        out.printf("accounts opened, payer topped up; %d transfers at %.0f/s%n", transfers, ratePerSecond);
        sent += transfers(submitter, transfers / 2);
        awaitIdle(submitter, drain);
        submitter.submit(Mutations.snapshot("demo-midpoint"), System.nanoTime());
        sent++;
        awaitIdle(submitter, drain);
        out.println("snapshot written to every partition");
        sent += transfers(submitter, transfers - transfers / 2);
        awaitIdle(submitter, drain);
        return sent;
    }

    private long transfers(Submitter submitter, int count) throws InterruptedException {
        OpenLoopLimiter limiter = new OpenLoopLimiter(ratePerSecond, NanoClock.SYSTEM);
        for (int i = 0; i < count; i++) {
            long intended = limiter.acquire();
            submitter.submit(Mutations.transfer(PAYER, PAYEE, AMOUNT_MINOR, FEE_MINOR, FEE, TAX_MINOR, TAX, USD),
                    intended);
        }
        return count;
    }

    private Map<String, Long> expected() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(PAYER, TOP_UP_MINOR - transfers * AMOUNT_MINOR);
        m.put(PAYEE, transfers * (AMOUNT_MINOR - FEE_MINOR - TAX_MINOR));
        m.put(FEE, transfers * FEE_MINOR);
        m.put(TAX, transfers * TAX_MINOR);
        m.put(SETTLEMENT, -TOP_UP_MINOR);
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
