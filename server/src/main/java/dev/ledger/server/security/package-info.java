/**
 * Transport security and identity of the client port: TLS and mTLS ({@link dev.ledger.server.security.ServerTls},
 * with the pipeline guards {@code TlsGuard} and {@code PlaintextGuard} and the one failure description {@link
 * dev.ledger.server.security.TlsFailures}), principals with their permissions and rates ({@link
 * dev.ledger.server.security.Principals}, read from the file format of {@link
 * dev.ledger.server.security.PrincipalsFile}), and the watcher that reloads the certificate and principals files
 * off the event loops ({@link dev.ledger.server.security.FileWatcher}).
 *
 * <p>Entry points: {@code ServerTls.load} and {@code Principals.load}, called by {@code LedgerServer} at startup;
 * event loops then only call {@code ServerTls.newHandler}, {@code Principals.authenticate} / {@code refresh} and
 * {@code Principal.permits} / {@code tryAcquire}, none of which blocks. Callers: {@code dev.ledger.server} only.
 * docs/SECURITY.md is the user-facing description.
 */
package dev.ledger.server.security;
