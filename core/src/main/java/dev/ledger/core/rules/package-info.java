/**
 * The ledger's rules, with no Kafka and no threads: {@link dev.ledger.core.rules.Ledger} decides a mutation record
 * (bytes in, a {@code Decision} out) and folds a decision back; {@link dev.ledger.core.rules.IdTable} keeps every
 * decided event id compactly; {@link dev.ledger.core.rules.EventValidator} holds the stateless rules shared with the
 * ingest server, which reads each event's wire bytes through {@link dev.ledger.core.rules.WireEvent};
 * {@link dev.ledger.core.rules.Uuids} owns which event ids are UUID-shaped (the id tables and the server's decision
 * routing key those by their 128 bits). May call only
 * the generated schema ({@code dev.ledger.proto}) and protobuf. Called by the core's {@code journal} and
 * {@code admin} packages, the server (validation, id keys), the stress tool and tests.
 *
 * <p>The core's hot path is {@link dev.ledger.core.rules.Ledger#decideInto}: the record read in one pass
 * ({@code MutationView}, which falls back to protobuf for anything unusual), accounts found by their UTF-8 bytes with
 * their state in compact arrays ({@code AccountTable}), the {@code Decision} encoded straight into a reused
 * {@link dev.ledger.core.rules.DecisionOut}. {@code Ledger#decide} is that decision parsed back, for tests and tools.
 * The test {@code DecideIntoPropertyTest} holds it byte for byte to the implementation it replaced.
 */
package dev.ledger.core.rules;
