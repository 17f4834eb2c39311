package dev.ledger.stress;

import dev.ledger.stress.load.ClientSecurity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The SDK's token and TLS flags, shared by {@code run} and {@code bench} ({@code run --tls} turns TLS on with the
 * JDK's trust store; in {@code bench}, {@code --tls} is the TLS-against-plaintext comparison). The token comes from a file (re-read at
 * every connection, so it can be rotated) or the environment, never from a flag value that {@code ps} would show.
 * Not thread-safe; used once per command.
 */
final class ClientSecurityOptions {

    @Option(names = "--auth-token-file", defaultValue = "${env:LEDGER_AUTH_TOKEN_FILE}",
            description = "File holding the token sent in Hello (re-read at every connection). Env LEDGER_AUTH_TOKEN_FILE; or the token itself in env LEDGER_AUTH_TOKEN.")
    Path authTokenFile;

    @Option(names = "--tls-trust-file", description = "PEM bundle of CAs to trust for the server certificate (implies --tls)")
    Path trustFile;

    @Option(names = "--tls-client-cert-file", description = "PEM client certificate for mTLS (implies --tls; with --tls-client-key-file)")
    Path clientCertFile;

    @Option(names = "--tls-client-key-file", description = "PEM (PKCS#8) key of --tls-client-cert-file")
    Path clientKeyFile;

    @Option(names = "--no-tls-hostname-verification", description = "Do not check the server certificate's name (tests only)")
    boolean noHostnameVerification;

    /** @param tls TLS asked for by the command's own flag (run's {@code --tls}); the file options imply it */
    ClientSecurity toSecurity(boolean tls) {
        if ((clientCertFile == null) != (clientKeyFile == null)) {
            throw new IllegalArgumentException("--tls-client-cert-file and --tls-client-key-file go together");
        }
        boolean on = tls || trustFile != null || clientCertFile != null;
        return new ClientSecurity(token(), on, trustFile, clientCertFile, clientKeyFile, !noHostnameVerification);
    }

    private Supplier<String> token() {
        if (authTokenFile != null) {
            Path file = authTokenFile;
            read(file); // fail at startup, naming the file, rather than at the first connection
            return () -> read(file);
        }
        String fromEnv = System.getenv("LEDGER_AUTH_TOKEN");
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv::trim;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("--auth-token-file cannot be read: " + file + " (" + e + ")", e);
        }
    }
}
