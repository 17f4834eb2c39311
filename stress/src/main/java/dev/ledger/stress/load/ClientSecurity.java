package dev.ledger.stress.load;

import dev.ledger.client.LedgerClientBuilder;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * How the driver's SDK clients authenticate: a token (from a file or the environment, never a flag value) and TLS
 * (trust bundle, client certificate for mTLS, hostname verification). Immutable.
 *
 * @param token null for none
 * @param tls false for plaintext; true with {@code trustFile} null trusts the JDK's trust store
 */
public record ClientSecurity(Supplier<String> token, boolean tls, Path trustFile, Path clientCertFile,
        Path clientKeyFile, boolean hostnameVerification) {

    /** Plaintext, no token. */
    public static final ClientSecurity NONE = new ClientSecurity(null, false, null, null, null, true);

    /** TLS trusting {@code trustFile}, with a client certificate when {@code cert} is not null. */
    public static ClientSecurity tls(Path trustFile, Path cert, Path key) {
        return new ClientSecurity(null, true, trustFile, cert, key, true);
    }

    void applyTo(LedgerClientBuilder b) {
        if (token != null) {
            b.authToken(token);
        }
        if (!tls) {
            return;
        }
        b.tls().tlsHostnameVerification(hostnameVerification);
        if (trustFile != null) {
            b.tlsTrustedCertificates(trustFile);
        }
        if (clientCertFile != null) {
            b.tlsClientCertificate(clientCertFile, clientKeyFile);
        }
    }
}
