/**
 * Measurements of the ledger core's decision logic without Kafka: JMH benchmarks of
 * {@link dev.ledger.core.rules.Ledger#decide} (with and without encoding the decision) and of the
 * {@link dev.ledger.core.rules.IdTable}, and {@link dev.ledger.jmh.HeapProbe}, which reports heap bytes per account
 * and per kept id.
 *
 * <p>Entry points: {@code java -jar jmh/target/ledger-jmh.jar [JMH options]} for the benchmarks and
 * {@code java -cp jmh/target/ledger-jmh.jar dev.ledger.jmh.HeapProbe} for the probe. {@link dev.ledger.jmh.Workload}
 * builds the mutation records both use. Nothing outside this module calls into it; it calls only the core's public
 * rules API and the generated schema.
 */
package dev.ledger.jmh;
