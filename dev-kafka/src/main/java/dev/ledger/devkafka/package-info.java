/**
 * A real KRaft Kafka cluster in-process, built on Kafka's own test kit: {@link dev.ledger.devkafka.EmbeddedKafka}
 * (one combined node, or a dedicated controller plus N brokers that can be stopped and restarted) and
 * {@link dev.ledger.devkafka.EmbeddedKafkaMain}, the same cluster as its own process for the benchmark.
 *
 * <p>For development mode, tests and benchmarks only; never on a production class path. Calls only Kafka's test
 * kit. Callers: the server's development mode (through its own class loader), the core's and server's tests, the
 * stress tool's demo and bench, the fault suite.
 */
package dev.ledger.devkafka;
