/**
 * The ingest server's Netty side: bootstrap ({@link dev.ledger.server.LedgerServer}, started by {@link
 * dev.ledger.server.ServerMain} or by embedders and tests), pipeline ({@code ServerInitializer}) and the
 * per-connection protocol ({@code ConnectionHandler}, {@code SubmitDispatcher}, {@code ReadGate}). Results come
 * back from Kafka's producer threads into each Submit's {@code PendingSubmit}; a complete one's Ack is written in a
 * task on its event loop; what is in flight is counted once, by {@code InFlight}.
 *
 * <p>Entry points: {@code ServerMain.main} for the process, {@code LedgerServer.start(ServerConfig)} for embedders.
 * Everything else is package-private and used only from here; Kafka work is delegated to {@code
 * dev.ledger.server.kafka}, settings come from {@code dev.ledger.server.config}.
 */
package dev.ledger.server;
