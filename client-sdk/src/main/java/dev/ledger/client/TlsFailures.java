package dev.ledger.client;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * The one place that tells what a failed TLS connection means, in words an operator can act on, and whether a
 * reconnect with the same settings could help. JDK and OpenSSL providers word their failures differently; both
 * are recognized here.
 *
 * <p>Stateless.
 */
final class TlsFailures {

    /** A TLS failure: what it means, and whether it is permanent for these settings. */
    record Failure(String reason, boolean permanent) {
    }

    private TlsFailures() {
    }

    /** What {@code cause} means, or null when it is not a TLS failure. */
    static Failure classify(Throwable cause, Endpoint endpoint) {
        boolean tls = false;
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            tls |= t instanceof SSLException;
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return permanent("the server certificate of " + endpoint + " is expired or not yet valid", cause);
            }
            if (t instanceof CertPathBuilderException) {
                return permanent("the server certificate of " + endpoint + " is not trusted (its CA is not in "
                        + "tlsTrustedCertificates or the JDK trust store)", cause);
            }
            text.append(' ').append(t.getMessage());
        }
        if (!tls) {
            return null;
        }
        String m = text.toString().toLowerCase(Locale.ROOT);
        if (m.contains("expired") || m.contains("not yet valid") || m.contains("validity check failed")) {
            return permanent("the server certificate of " + endpoint + " is expired or not yet valid", cause);
        }
        if (m.contains("no subject alternative") || m.contains("no name matching") || m.contains("hostname")) {
            return permanent("the server certificate of " + endpoint + " does not name host " + endpoint.host()
                    + " (hostname verification)", cause);
        }
        if (m.contains("pkix") || m.contains("unable to find valid certification path")
                || m.contains("certificate_verify_failed")) {
            return permanent("the server certificate of " + endpoint + " is not trusted (its CA is not in "
                    + "tlsTrustedCertificates or the JDK trust store)", cause);
        }
        if (m.contains("certificate_required") || m.contains("certificate required")) {
            return permanent("server " + endpoint + " requires a client certificate (tlsClientCertificate)", cause);
        }
        if (m.contains("bad_certificate") || m.contains("bad certificate") || m.contains("unknown_ca")
                || m.contains("unknown ca") || m.contains("certificate_unknown") || m.contains("certificate unknown")
                || m.contains("handshake_failure") && m.contains("alert")) {
            return permanent("server " + endpoint + " refused the client certificate (not signed by a CA it trusts)",
                    cause);
        }
        if (m.contains("closed") || m.contains("not an ssl/tls record") || m.contains("wrong_version_number")) {
            return new Failure("TLS handshake with " + endpoint + " failed: the connection was closed or answered "
                    + "in plaintext (is the server's port plaintext?)", false);
        }
        return new Failure("TLS with " + endpoint + " failed: " + rootMessage(cause), false);
    }

    private static Failure permanent(String what, Throwable cause) {
        return new Failure(what + " (" + rootMessage(cause) + ")", true);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.toString();
    }
}
