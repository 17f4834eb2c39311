package dev.ledger.server;

import dev.ledger.devcerts.DevCertificates;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made at test time in a temporary directory: a CA with a server certificate for 127.0.0.1 /
 * localhost and a client certificate, and a second, unknown CA with a client certificate of its own. Not
 * thread-safe; one per test class.
 */
final class TlsFiles {

    final DevCertificates ca = DevCertificates.newAuthority("test-ca");
    final DevCertificates otherCa = DevCertificates.newAuthority("unknown-ca");
    final Path dir;
    final Path caPem;
    final Path serverCert;
    final Path serverKey;
    final DevCertificates.Issued client = ca.issueClient("payments-client", "DNS:payments.internal");
    final DevCertificates.Issued strangerClient = otherCa.issueClient("stranger");

    TlsFiles(Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server.key");
        ca.writeCertificate(caPem);
        ca.issueServer("ledger-server", "IP:127.0.0.1", "DNS:localhost").write(serverCert, serverKey);
    }

    /** Writes a server certificate with another common name over the server's files (a rotation). */
    DevCertificates.Issued rotateServer(String commonName) {
        DevCertificates.Issued next = ca.issueServer(commonName, "IP:127.0.0.1", "DNS:localhost");
        next.write(serverCert, serverKey);
        return next;
    }

    /** An expired server certificate, written to its own files. */
    Path[] expiredServer() {
        Instant now = Instant.now();
        Path cert = dir.resolve("expired.pem");
        Path key = dir.resolve("expired.key");
        ca.issue("expired-server", List.of("IP:127.0.0.1"), now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)),
                true).write(cert, key);
        return new Path[] {cert, key};
    }

    /** A JDK client context trusting {@code ca}, presenting {@code identity} (null for none). */
    static SSLContext clientContext(DevCertificates trusted, DevCertificates.Issued identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", identity.key(), "pw".toCharArray(), new Certificate[] {identity.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "pw".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
