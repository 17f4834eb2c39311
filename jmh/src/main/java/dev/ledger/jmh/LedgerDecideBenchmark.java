package dev.ledger.jmh;

import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.Decision;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link Ledger#decide} on one thread, no Kafka. The state holds {@value #TRANSFERS} pre-generated
 * transfers (fee and tax legs, UUID event ids, {@code overdraftPercent} % overdraft attempts) over a ledger that
 * already holds {@code accounts} funded customers. One invocation decides every transfer once, against a ledger
 * rebuilt from the prefix before it (outside the measurement), so no event id is ever decided twice and the id table
 * grows as it does in production; the score is decisions per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class LedgerDecideBenchmark {

    static final int TRANSFERS = 1_000_000;

    @Param("10000")
    int accounts;

    @Param("3")
    int overdraftPercent;

    private byte[][] prefix;
    private byte[][] transfers;
    private Ledger ledger;

    @Setup(Level.Trial)
    public void generate() {
        Workload w = new Workload(20_260_101L, accounts);
        prefix = w.prefix();
        transfers = w.transfers(TRANSFERS, overdraftPercent);
    }

    @Setup(Level.Invocation)
    public void freshLedger() {
        ledger = new Ledger();
        for (int i = 0; i < prefix.length; i++) {
            ledger.decide(prefix[i], 0, i);
        }
    }

    /** The decision logic alone: parse, validate, fingerprint, id lookup, rules, the Decision object. */
    @Benchmark
    @OperationsPerInvocation(TRANSFERS)
    public void decide(Blackhole bh) {
        Ledger l = ledger;
        byte[][] values = transfers;
        for (int i = 0; i < values.length; i++) {
            bh.consume(l.decide(values[i], i & 15, i));
        }
    }

    /** As the core does before sending: the decision encoded to its journal bytes too. */
    @Benchmark
    @OperationsPerInvocation(TRANSFERS)
    public void decideAndEncode(Blackhole bh) {
        Ledger l = ledger;
        byte[][] values = transfers;
        for (int i = 0; i < values.length; i++) {
            Decision d = l.decide(values[i], i & 15, i);
            bh.consume(d.toByteArray());
        }
    }
}
