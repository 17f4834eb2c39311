package dev.ledger.jmh;

import dev.ledger.core.rules.IdTable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The id table alone: lookups of kept and unknown UUID ids in a table of {@value #KEPT} ids (random access, as
 * resends and fresh ids arrive), and puts of {@value #KEPT} fresh ids into an empty table (with every resize).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class IdTableBenchmark {

    static final int KEPT = 1 << 20;

    private String[] kept;
    private String[] unknown;
    private IdTable full;
    private int next;

    /** A new table before each putFresh invocation; its own state so the lookups pay no per-invocation setup. */
    @State(Scope.Thread)
    public static class EmptyTable {
        IdTable table;

        @Setup(Level.Invocation)
        public void create() {
            table = new IdTable();
        }
    }

    @Setup(Level.Trial)
    public void fill() {
        Workload w = new Workload(7, 2);
        kept = new String[KEPT];
        unknown = new String[KEPT];
        full = new IdTable();
        for (int i = 0; i < KEPT; i++) {
            kept[i] = w.uuid();
            unknown[i] = w.uuid();
            full.put(kept[i], i, i, 32);
        }
    }

    @Benchmark
    public boolean lookupKept() {
        return full.lookup(kept[next++ & (KEPT - 1)]);
    }

    @Benchmark
    public boolean lookupUnknown() {
        return full.lookup(unknown[next++ & (KEPT - 1)]);
    }

    @Benchmark
    @OperationsPerInvocation(KEPT)
    public IdTable putFresh(EmptyTable empty) {
        IdTable t = empty.table;
        for (int i = 0; i < KEPT; i++) {
            t.put(kept[i], i, i, 32);
        }
        return t;
    }
}
