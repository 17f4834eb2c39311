/**
 * Throw-away certificates for tests and the {@code demo --tls} command: {@link dev.ledger.devcerts.DevCertificates}
 * makes a certificate authority and issues server and client certificates from it, written as PEM files (the format
 * the server's {@code --tls-*} flags and the SDK's TLS options read). Test and demo code only; nothing in a
 * production deployment calls it.
 */
package dev.ledger.devcerts;
