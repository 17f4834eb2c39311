/**
 * The ledger's rules, with no Kafka and no threads: {@link dev.ledger.core.rules.Ledger} decides a mutation record
 * (bytes in, a {@code Decision} out) and folds a decision back; {@link dev.ledger.core.rules.IdTable} keeps every
 * decided event id compactly; {@link dev.ledger.core.rules.EventValidator} holds the stateless rules shared with the
 * ingest server. May call only the generated schema ({@code dev.ledger.proto}) and protobuf. Called by the core's
 * {@code journal} and {@code admin} packages, the server (validation), the stress tool and tests.
 */
package dev.ledger.core.rules;
