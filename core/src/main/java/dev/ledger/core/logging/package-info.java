/**
 * Process logging of the server and the core: SLF4J with Logback, as text or as one JSON object per line.
 *
 * <p>Entry point: {@link dev.ledger.core.logging.LogSetup#configure}, called once by {@code ServerMain} and
 * {@code CoreMain} after their flags are parsed and before their first log line. Only this package touches
 * Logback's classes, and only when Logback is the SLF4J binding; everything else logs through SLF4J.
 */
package dev.ledger.core.logging;
