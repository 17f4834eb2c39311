/**
 * Operating the server: its metrics and its admin HTTP port.
 *
 * <p>Entry points: {@link dev.ledger.server.admin.ServerMetrics}, the one owner of every server metric (connections,
 * dispatcher and Kafka writer report into it), and {@link dev.ledger.server.admin.AdminServer} ({@code /metrics},
 * {@code /livez}, {@code /readyz}), started by {@code LedgerServer} when {@code --admin-port} is not 0;
 * {@link dev.ledger.server.admin.MinuteSummary} logs one line a minute from the metrics. This package calls only
 * the Prometheus client, the wire schema's enums and SLF4J; the server's packages call it, never the reverse:
 * health checks come in as {@link dev.ledger.server.admin.AdminServer.Check}s.
 */
package dev.ledger.server.admin;
