/**
 * The {@code bench} command: broker, server and ledger core as child JVMs ({@link dev.ledger.stress.bench.ChildProcess}),
 * the raw-producer ceiling, the SDK → server → Kafka path ({@link dev.ledger.stress.bench.Bench}) and the core end
 * to end with its restart times ({@link dev.ledger.stress.bench.CoreBench}), and the sweeps over connections and
 * events per frame ({@link dev.ledger.stress.bench.SweepPlan}, run by {@code SweepBench}, reported by
 * {@link dev.ledger.stress.bench.SweepReport}). Entry point: {@code BenchCommand}.
 */
package dev.ledger.stress.bench;
