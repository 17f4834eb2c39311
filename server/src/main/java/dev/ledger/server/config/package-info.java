/**
 * The server's settings: {@link dev.ledger.server.config.ServerConfig}, one immutable record validated once, and
 * {@link dev.ledger.server.config.ServerOptions}, its picocli flags with environment-variable twins.
 *
 * <p>Entry point: {@code ServerConfig.builder()} (embedders, tests) or {@code ServerOptions.toConfig} (the
 * command line). Callers: {@code dev.ledger.server} and anything that starts a server (stress, faults, tests).
 */
package dev.ledger.server.config;
