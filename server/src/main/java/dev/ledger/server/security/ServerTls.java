package dev.ledger.server.security;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of the client port: an {@link SslContext} built from PEM files (certificate chain, PKCS#8 key,
 * optionally a client CA bundle that makes client certificates required), TLS 1.3 only unless 1.2 is allowed,
 * OpenSSL (BoringSSL through netty-tcnative) when it loads and the JDK's provider otherwise.
 *
 * <p>{@link #reload()} runs on the {@link FileWatcher} thread: it builds a new context from the files and swaps it
 * in (one volatile write), so new connections get the new certificate while live ones keep the engine they have. A
 * file that does not parse, a key that does not match the certificate, or an empty CA bundle is refused with a log
 * line and the old context stays. An expired (or not yet valid) certificate is loaded with a warning: refusing it
 * would not bring the old one back to life either.
 *
 * <p>Thread-safe; one per server.
 */
public final class ServerTls {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

    private final Path certFile;
    private final Path keyFile;
    private final Path clientCaFile;
    private final List<String> protocols;
    private final SslProvider provider;
    private final long handshakeTimeoutMs;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile SslContext context;
    private volatile String certificateSummary;

    private ServerTls(Path certFile, Path keyFile, Path clientCaFile, List<String> protocols, long handshakeTimeoutMs) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.clientCaFile = clientCaFile;
        this.protocols = protocols;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        this.provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * Loads the files once; the caller watches them and calls {@link #reload()} on change.
     *
     * @param clientCaFile null: no client certificates; else they are required and checked against this bundle
     * @param minVersion "1.3" or "1.2"
     * @throws IllegalStateException naming the flag and the file when a file cannot be used
     */
    public static ServerTls load(Path certFile, Path keyFile, Path clientCaFile, String minVersion,
            long handshakeTimeoutMs) {
        List<String> protocols = "1.2".equals(minVersion) ? List.of("TLSv1.3", "TLSv1.2") : List.of("TLSv1.3");
        ServerTls tls = new ServerTls(certFile, keyFile, clientCaFile, protocols, handshakeTimeoutMs);
        tls.context = tls.build();
        log.info("TLS on the client port: provider {}, protocols {}, {}, client certificates {}", tls.providerName(),
                protocols, tls.certificateSummary, clientCaFile == null ? "not requested" : "required (CA bundle "
                        + clientCaFile + ")");
        return tls;
    }

    /** "OpenSSL (...)" or "JDK (...)", for the log and the bench report. */
    public String providerName() {
        if (provider == SslProvider.OPENSSL) {
            return "OpenSSL (" + OpenSsl.versionString() + ", netty-tcnative)";
        }
        Throwable why = OpenSsl.unavailabilityCause();
        return "JDK (OpenSSL unavailable: " + (why == null ? "unknown" : why.toString()) + ")";
    }

    /** The files to watch: certificate, key and, with mTLS, the client CA bundle. */
    public List<Path> files() {
        List<Path> files = new ArrayList<>(List.of(certFile, keyFile));
        if (clientCaFile != null) {
            files.add(clientCaFile);
        }
        return files;
    }

    /** Builds a context from the files as they are now and swaps it in; on failure logs why and keeps the old one. */
    public void reload() {
        try {
            SslContext fresh = build();
            context = fresh;
            reloads.incrementAndGet();
            log.info("TLS certificate reloaded: {}; new connections use it, live ones keep theirs", certificateSummary);
        } catch (IllegalStateException e) {
            reloadFailures.incrementAndGet();
            log.error("TLS certificate reload refused, the previous certificate stays in use: {}", e.getMessage());
        }
    }

    /** A handler for one new connection, from the current context; its handshake is bounded by the handshake timeout. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return handler;
    }

    private SslContext build() {
        List<X509Certificate> chain = certificates(certFile, "--tls-cert-file");
        PrivateKey key = privateKey(keyFile);
        checkKeyMatches(chain.get(0), key);
        X509Certificate leaf = chain.get(0);
        try {
            leaf.checkValidity();
        } catch (CertificateException e) {
            log.warn("TLS certificate {} is outside its validity ({} .. {}): clients will refuse it",
                    leaf.getSubjectX500Principal().getName(), leaf.getNotBefore().toInstant(),
                    leaf.getNotAfter().toInstant());
        }
        try {
            SslContextBuilder b = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(provider).protocols(protocols);
            if (clientCaFile != null) {
                b.trustManager(certificates(clientCaFile, "--tls-client-ca-file").toArray(new X509Certificate[0]))
                        .clientAuth(ClientAuth.REQUIRE);
            }
            SslContext built = b.build();
            certificateSummary = "certificate " + leaf.getSubjectX500Principal().getName() + " valid until "
                    + leaf.getNotAfter().toInstant();
            return built;
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot build a TLS context from " + certFile + " and " + keyFile + ": " + e, e);
        }
    }

    /**
     * Every certificate in a PEM file, in file order.
     *
     * @throws IllegalStateException naming the flag and file when it cannot be read or holds no certificate
     */
    static List<X509Certificate> certificates(Path file, String flag) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new IllegalStateException(flag + " " + file + " holds no PEM certificate");
            }
            return certs;
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException(flag + " " + file + " is not a readable PEM certificate file: " + e, e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("--tls-key-file " + file + " cannot be read: " + e, e);
        }
        Matcher m = PEM_KEY.matcher(pem);
        if (!m.find() || !m.group(1).isEmpty()) {
            throw new IllegalStateException("--tls-key-file " + file + " must hold an unencrypted PKCS#8 key "
                    + "(-----BEGIN PRIVATE KEY-----); convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalStateException("--tls-key-file " + file + " holds no EC, RSA or Ed25519 PKCS#8 key");
    }

    private static void checkKeyMatches(X509Certificate cert, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "ledger-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // falls through to the refusal
        }
        throw new IllegalStateException("--tls-key-file does not match the certificate "
                + cert.getSubjectX500Principal().getName() + " in --tls-cert-file");
    }

    /** Reloads that took effect since start. */
    public long reloads() {
        return reloads.get();
    }

    /** Reloads refused since start (the previous state stayed). */
    public long reloadFailures() {
        return reloadFailures.get();
    }
}
