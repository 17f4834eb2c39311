/**
 * The testkit's wire- and Kafka-level helpers, shared by every module's tests and by {@code dev.ledger.testkit}:
 * {@link dev.ledger.testkit.support.RawFrameClient} (a blocking protocol client that can send anything),
 * {@link dev.ledger.testkit.support.TestEvents} (valid events straight from the schema),
 * {@link dev.ledger.testkit.support.TopicRecords} (reads a topic or the decision journal back),
 * {@link dev.ledger.testkit.support.ChildJvm} (a real child process that a test can SIGKILL) and
 * {@link dev.ledger.testkit.support.DistArchive} (an unpacked distribution archive whose start script a test runs).
 *
 * <p>It depends on the schema and kafka-clients only, never on the server, the core or the SDK, so the tests of
 * those modules can use it without a dependency cycle. Test scope only; never on a production class path.
 */
package dev.ledger.testkit.support;
