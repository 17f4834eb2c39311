package dev.ledger.server.security;

import io.netty.handler.ssl.NotSslRecordException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The one place that turns a TLS failure on the client port into a short, stack-free log text. Stateless.
 */
public final class TlsFailures {

    private TlsFailures() {
    }

    /** True when {@code cause} (or a cause of it) is a TLS failure rather than a bug. */
    public static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /** One line saying what went wrong, for the server log. */
    public static String describe(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return "not a TLS record (a plaintext client on the TLS port?)";
            }
            if (t instanceof io.netty.handler.ssl.SslHandshakeTimeoutException) {
                return "TLS handshake not completed within the handshake timeout";
            }
            if (t instanceof SSLHandshakeException && t.getMessage() != null) {
                String m = t.getMessage();
                if (m.contains("certificate_required") || m.contains("peer not authenticated")
                        || m.contains("Empty client certificate chain") || m.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")) {
                    return "the client sent no certificate, and the port requires one (mTLS)";
                }
                if (m.contains("CERTIFICATE_VERIFY_FAILED") || m.contains("PKIX") || m.contains("unable to find valid")) {
                    return "the client certificate is not signed by --tls-client-ca-file or is not valid: " + m;
                }
                return "TLS handshake failed: " + m;
            }
        }
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "TLS failure: " + root;
    }
}
