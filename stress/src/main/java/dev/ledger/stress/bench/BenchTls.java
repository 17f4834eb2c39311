package dev.ledger.stress.bench;

import dev.ledger.devcerts.DevCertificates;
import dev.ledger.stress.load.ClientSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The certificates of {@code bench --tls}: a CA and a server certificate for 127.0.0.1 made in the bench's work
 * directory, the TLS server's flags and the SDK's settings that trust that CA. Stateless.
 */
final class BenchTls {

    private BenchTls() {
    }

    /** Makes the files (once) and returns the server flags that turn TLS on with them. */
    static List<String> serverArgs(Path work) {
        Path dir = work.resolve("tls");
        if (!Files.exists(dir.resolve("server.key"))) {
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            DevCertificates ca = DevCertificates.newAuthority("ledger-bench-ca");
            ca.writeCertificate(dir.resolve("ca.pem"));
            ca.issueServer("ledger-bench-server", "IP:127.0.0.1", "DNS:localhost")
                    .write(dir.resolve("server.pem"), dir.resolve("server.key"));
        }
        return List.of("--tls-cert-file", dir.resolve("server.pem").toString(),
                "--tls-key-file", dir.resolve("server.key").toString());
    }

    /** The TLS provider the server and the SDK pick on this class path (they share it). */
    static String provider() {
        return io.netty.handler.ssl.OpenSsl.isAvailable()
                ? "OpenSSL (" + io.netty.handler.ssl.OpenSsl.versionString() + ")" : "JDK";
    }

    static ClientSecurity clientSecurity(Path work) {
        return ClientSecurity.tls(work.resolve("tls").resolve("ca.pem"), null, null);
    }
}
