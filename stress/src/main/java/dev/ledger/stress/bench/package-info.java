/**
 * The {@code bench} command: a broker and a server as child processes, then the raw-producer ceiling and the
 * SDK → server → Kafka path back to back, with CPU time per process.
 *
 * <p>Entry point: {@link dev.ledger.stress.bench.Bench#run()}, called by {@code BenchCommand} only.
 */
package dev.ledger.stress.bench;
