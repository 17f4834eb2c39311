/**
 * The {@code bench} command: broker, server and ledger core as child JVMs ({@link dev.ledger.stress.bench.ChildProcess}),
 * the raw-producer ceiling, the SDK → server → Kafka path ({@link dev.ledger.stress.bench.Bench}) and the core end
 * to end with its restart times ({@link dev.ledger.stress.bench.CoreBench}). Entry point: {@code BenchCommand}.
 */
package dev.ledger.stress.bench;
