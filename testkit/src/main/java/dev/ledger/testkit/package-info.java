/**
 * A real ledger for users' integration tests, as one JUnit 5 extension: {@link dev.ledger.testkit.LedgerTest}
 * or {@code @RegisterExtension static LedgerExtension ledger = LedgerExtension.builder()...build()}.
 *
 * <p>Flow: the extension starts a Kafka back-end ({@link dev.ledger.testkit.KafkaBackend}: the embedded KRaft
 * broker by default, Testcontainers' {@code apache/kafka} on request), then the ingest server on a free loopback
 * port (in this JVM, or as a child JVM that can be SIGKILLed) and the ledger core in this JVM, and hands the test a
 * {@link dev.ledger.testkit.Ledger}: an SDK client, the endpoint, the bootstrap servers, a
 * {@link dev.ledger.testkit.LedgerRecords} reader of the mutations topic and the decision journal, fresh topics
 * on {@code reset()}, and fault helpers. Wire-level helpers (raw frames, sample events, topic reading, child JVMs)
 * are in {@code dev.ledger.testkit.support}.
 *
 * <p>Callers: users' tests (test scope) and this project's example ({@code examples/payments-service}). Never
 * production code.
 */
package dev.ledger.testkit;
