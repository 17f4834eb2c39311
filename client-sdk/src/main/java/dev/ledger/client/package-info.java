/**
 * The Java SDK of the ledger ingest servers: one small public package.
 *
 * <p>Entry point: {@link dev.ledger.client.LedgerClient#builder()}; the public types are the client, its builder,
 * {@link dev.ledger.client.Mutations}, {@link dev.ledger.client.Receipt}, the statistics, the {@link
 * dev.ledger.client.LedgerClientListener} with its {@link dev.ledger.client.EventOutcome}, and the {@link
 * dev.ledger.client.LedgerException} hierarchy. Everything else is package-private internals, used only here.
 *
 * <p>Inbound frames are parsed by protobuf, except Decisions frames: {@code DecisionsFrame} reads those straight
 * from the wire bytes (with {@code WireReader}, under protobuf's rules), and a {@link dev.ledger.client.Decision}'s
 * balances are decoded on first access ({@code LazyBalances}).
 */
package dev.ledger.client;
