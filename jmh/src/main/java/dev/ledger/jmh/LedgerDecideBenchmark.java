package dev.ledger.jmh;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.core.rules.BodyHash;
import dev.ledger.core.rules.DecisionOut;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link Ledger#decide} and of the hot path {@link Ledger#decideInto} on one thread, no Kafka. The
 * state holds {@value #TRANSFERS} pre-generated transfers (fee and tax legs, UUID event ids,
 * {@code overdraftPercent} % overdraft attempts) over a ledger that holds {@code accounts} funded customers. Each
 * invocation decides the next {@value #BATCH} transfers; when all have been decided the ledger is rebuilt from the
 * prefix (outside the measurement), so no event id is decided twice and the id table grows and resizes as in
 * production. The score is decisions per second of wall time; the {@code cpuNanos} counter is the benchmark
 * thread's CPU nanoseconds per second of wall time, so on a shared machine decisions per CPU-second is
 * {@code score / cpuNanos * 1e9}. {@code parseOnly} and {@code bodyHashOnly} are the first two steps of a decision
 * alone, to show where the time goes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// The core's own JVM defaults (core/pom.xml, dist.jvmDefaults, passed by its start script) on a fixed heap: the id
// table is a large array read at random, and huge pages cut its TLB misses (about a fifth more decisions/s here).
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseTransparentHugePages", "-XX:+AlwaysPreTouch"})
public class LedgerDecideBenchmark {

    static final int TRANSFERS = 1_000_000;
    static final int BATCH = 10_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Param("10000")
    int accounts;

    @Param("3")
    int overdraftPercent;

    private byte[][] prefix;
    private byte[][] transfers;
    private Ledger ledger;
    private int cursor;
    private final DecisionOut out = new DecisionOut();

    /** CPU time of the benchmark thread inside the measured invocations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Cpu {
        public long cpuNanos;
        private long atStart;

        @Setup(Level.Invocation)
        public void start() {
            atStart = THREADS.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Invocation)
        public void stop() {
            cpuNanos += THREADS.getCurrentThreadCpuTime() - atStart;
        }
    }

    @Setup(Level.Trial)
    public void generate() {
        Workload w = new Workload(20_260_101L, accounts);
        prefix = w.prefix();
        transfers = w.transfers(TRANSFERS, overdraftPercent);
    }

    @Setup(Level.Invocation)
    public void nextBatch() {
        if (ledger == null || cursor + BATCH > transfers.length) {
            ledger = new Ledger();
            for (int i = 0; i < prefix.length; i++) {
                ledger.decide(prefix[i], 0, i);
            }
            cursor = 0;
        }
    }

    /** The decision logic alone: parse, validate, fingerprint, id lookup, rules, the Decision object. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decide(Blackhole bh, Cpu cpu) {
        Ledger l = ledger;
        byte[][] values = transfers;
        int end = cursor + BATCH;
        for (int i = cursor; i < end; i++) {
            bh.consume(l.decide(values[i], i & 15, i));
        }
        cursor = end;
    }

    /** Step one of a decision alone: the protobuf parse of the record. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void parseOnly(Blackhole bh, Cpu cpu) throws InvalidProtocolBufferException {
        byte[][] values = transfers;
        int end = cursor + BATCH;
        for (int i = cursor; i < end; i++) {
            bh.consume(MutationEvent.parseFrom(values[i]));
        }
        cursor = end;
    }

    /** Step two alone: the body fingerprint that tells a resend from a reuse. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void bodyHashOnly(Blackhole bh, Cpu cpu) {
        byte[][] values = transfers;
        int end = cursor + BATCH;
        for (int i = cursor; i < end; i++) {
            bh.consume(BodyHash.of(values[i]));
        }
        cursor = end;
    }

    /** As the core does before sending: the decision encoded to its journal bytes too. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decideAndEncode(Blackhole bh, Cpu cpu) {
        Ledger l = ledger;
        byte[][] values = transfers;
        int end = cursor + BATCH;
        for (int i = cursor; i < end; i++) {
            Decision d = l.decide(values[i], i & 15, i);
            bh.consume(d.toByteArray());
        }
        cursor = end;
    }

    /**
     * The core's hot path: {@link Ledger#decideInto} writes the decision's journal bytes into a reused buffer, copied
     * out once per record as the core hands them to the producer.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decideIntoBytes(Blackhole bh, Cpu cpu) {
        Ledger l = ledger;
        DecisionOut o = out;
        byte[][] values = transfers;
        int end = cursor + BATCH;
        for (int i = cursor; i < end; i++) {
            l.decideInto(values[i], i & 15, i, o);
            bh.consume(o.toByteArray());
        }
        cursor = end;
    }

    /** {@link #decideIntoBytes} with the id-table prefetch hint per 64 records (the core's loop gives it per poll). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decideIntoBytesPrefetched(Blackhole bh, Cpu cpu) {
        Ledger l = ledger;
        DecisionOut o = out;
        byte[][] values = transfers;
        int end = cursor + BATCH;
        for (int i = cursor; i < end; i++) {
            if (((i - cursor) & 63) == 0) {
                l.prefetch(values, i, Math.min(i + 64, end));
            }
            l.decideInto(values[i], i & 15, i, o);
            bh.consume(o.toByteArray());
        }
        cursor = end;
    }
}
