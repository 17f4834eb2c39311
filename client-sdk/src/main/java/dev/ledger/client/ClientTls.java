package dev.ledger.client;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The client's TLS settings, turned into one {@link SslContext} when the client is built: TLS 1.3 (1.2 if the
 * server allows no better), OpenSSL when netty-tcnative is on the class path and the JDK's provider otherwise, the
 * server checked against a PEM trust bundle (default: the JDK's trust store) and, unless turned off, its name
 * against the endpoint's host. With a client certificate and key the client can join an mTLS port.
 *
 * <p>Immutable and thread-safe.
 */
final class ClientTls {

    private final SslContext context;
    private final boolean hostnameVerification;

    private ClientTls(SslContext context, boolean hostnameVerification) {
        this.context = context;
        this.hostnameVerification = hostnameVerification;
    }

    /**
     * @param trustBundle PEM certificates to trust, or null for the JDK's trust store
     * @param clientCert PEM certificate chain for mTLS, or null
     * @param clientKey its PKCS#8 PEM key, or null
     * @throws IllegalArgumentException naming the option whose file cannot be used
     */
    static ClientTls build(Path trustBundle, Path clientCert, Path clientKey, boolean hostnameVerification) {
        readable(trustBundle, "tlsTrustedCertificates");
        readable(clientCert, "tlsClientCertificate certificate");
        readable(clientKey, "tlsClientCertificate key");
        try {
            SslContextBuilder b = SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(List.of("TLSv1.3", "TLSv1.2"))
                    .endpointIdentificationAlgorithm(hostnameVerification ? "HTTPS" : null);
            if (trustBundle != null) {
                b.trustManager(trustBundle.toFile());
            }
            if (clientCert != null) {
                b.keyManager(clientCert.toFile(), clientKey.toFile());
            }
            return new ClientTls(b.build(), hostnameVerification);
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS settings cannot be used (tlsTrustedCertificates "
                    + name(trustBundle) + ", tlsClientCertificate " + name(clientCert) + " / " + name(clientKey)
                    + "): " + e.getMessage(), e);
        }
    }

    /** A handler for a new connection to {@code endpoint}; its host is sent as SNI and checked against the certificate. */
    SslHandler newHandler(ByteBufAllocator alloc, Endpoint endpoint) {
        return context.newHandler(alloc, endpoint.host(), endpoint.port());
    }

    boolean hostnameVerification() {
        return hostnameVerification;
    }

    private static void readable(Path file, String option) {
        if (file != null && !Files.isReadable(file)) {
            throw new IllegalArgumentException(option + " must be a readable PEM file: " + file);
        }
    }

    private static String name(Path p) {
        return p == null ? "none" : p.toString();
    }
}
