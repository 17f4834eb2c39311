/**
 * The core's admin HTTP port ({@link dev.ledger.core.admin.AdminServer}: JSON queries answered from memory,
 * Prometheus metrics, liveness and readiness) and the one owner of its metrics,
 * {@link dev.ledger.core.admin.CoreMetrics}. Reads state only through {@link dev.ledger.core.admin.LedgerView}, which
 * the core loop implements, and may call {@code rules} for the state's types. Started by
 * {@link dev.ledger.core.CoreNode}.
 */
package dev.ledger.core.admin;
