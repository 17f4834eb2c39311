/**
 * Optional Micrometer metrics for the Java SDK (artifact {@code ledger-client-micrometer}).
 *
 * <p>Entry point: {@link dev.ledger.client.micrometer.LedgerClientMetrics}, a {@code MeterBinder} whose
 * {@code listener()} is registered on {@code LedgerClient.builder().listener(...)}. It only turns the SDK's
 * {@link dev.ledger.client.LedgerClientListener} calls into meters; the SDK itself depends on no metrics library.
 *
 * <p>Callers: applications that use Micrometer (directly or through their framework). Nothing in this project
 * depends on it.
 */
package dev.ledger.client.micrometer;
