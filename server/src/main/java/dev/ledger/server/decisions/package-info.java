/**
 * Decisions back to the client: the ledger core's decisions about this server's events, routed to the connections
 * that await them. {@link dev.ledger.server.decisions.DecisionReader} reads the server's own partition of the
 * decision journal on its own thread; {@link dev.ledger.server.decisions.DecisionRouter} maps awaited event ids to
 * the Submits waiting for them; {@link dev.ledger.server.decisions.AwaitedDecisions} is one such Submit. A decision
 * travels as the journal record's bytes, read only for its event id
 * ({@link dev.ledger.server.decisions.DecisionEventIds}), and is copied as it is into the client's frame. The router
 * keys a UUID-shaped id by its 128 bits (which ids are UUID-shaped is the core's {@code Uuids} rule, the one its
 * own id tables use) in striped {@link dev.ledger.server.decisions.UuidTable}s, and any other id by its String.
 *
 * <p>Entry points: {@code DecisionReader.start} (wired in {@code LedgerServer}) and {@code AwaitedDecisions}
 * (created by the connection handler). Callers: {@code dev.ledger.server} only. It may call Kafka's consumer and
 * the journal's key rule ({@code dev.ledger.core.journal.DecisionKeys}) and the core's UUID rule ({@code
 * dev.ledger.core.rules.Uuids}); it never touches a channel.
 */
package dev.ledger.server.decisions;
