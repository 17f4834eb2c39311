package dev.ledger.devcerts;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made on the spot (EC P-256 keys, SHA-256 signatures) that issues server and client
 * certificates and writes them as PEM: certificates as {@code CERTIFICATE} blocks, keys as unencrypted PKCS#8
 * {@code PRIVATE KEY} blocks. Validity is chosen by the caller, so tests can make expired certificates.
 *
 * <p>Thread-safe; for tests and demos only.
 */
public final class DevCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final X500Name name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {

        /** Writes the certificate and the key (PKCS#8) as PEM files; the key file is readable by its owner only. */
        public void write(Path certFile, Path keyFile) {
            writePem(certFile, certificate);
            writeKey(keyFile, key);
        }
    }

    private DevCertificates(X500Name name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new self-signed CA, valid from an hour ago for a year. */
    public static DevCertificates newAuthority(String commonName) {
        try {
            KeyPair keys = newKeys();
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))), name,
                    keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new DevCertificates(name, keys, sign(b, keys.getPrivate()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a certificate authority: " + e, e);
        }
    }

    /** The CA's own certificate (the trust anchor). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the CA certificate as PEM, e.g. as a trust bundle. */
    public void writeCertificate(Path file) {
        writePem(file, certificate);
    }

    /** A server certificate valid from an hour ago for a day; {@code sans} like {@code "DNS:localhost", "IP:127.0.0.1"}. */
    public Issued issueServer(String commonName, String... sans) {
        Instant now = Instant.now();
        return issue(commonName, List.of(sans), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), true);
    }

    /** A client certificate valid from an hour ago for a day; {@code sans} may be empty. */
    public Issued issueClient(String commonName, String... sans) {
        Instant now = Instant.now();
        return issue(commonName, List.of(sans), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), false);
    }

    /**
     * Issues a certificate signed by this CA.
     *
     * @param sans subject alternative names, each {@code DNS:name}, {@code IP:address}, {@code URI:uri} or
     *     {@code EMAIL:address}
     * @param server true for a TLS server certificate, false for a TLS client certificate
     */
    public Issued issue(String commonName, List<String> sans, Instant notBefore, Instant notAfter, boolean server) {
        try {
            KeyPair subjectKeys = newKeys();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name("CN=" + commonName), subjectKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            if (!sans.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String san : sans) {
                    names.add(generalName(san));
                }
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(new GeneralName[0])));
            }
            return new Issued(sign(b, keys.getPrivate()), subjectKeys.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e, e);
        }
    }

    private static GeneralName generalName(String san) {
        int colon = san.indexOf(':');
        String kind = colon < 0 ? "" : san.substring(0, colon);
        String value = san.substring(colon + 1);
        return switch (kind) {
            case "DNS" -> new GeneralName(GeneralName.dNSName, value);
            case "IP" -> new GeneralName(GeneralName.iPAddress, value);
            case "URI" -> new GeneralName(GeneralName.uniformResourceIdentifier, value);
            case "EMAIL" -> new GeneralName(GeneralName.rfc822Name, value);
            default -> throw new IllegalArgumentException("SAN must start with DNS:, IP:, URI: or EMAIL:: " + san);
        };
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** Writes one or more certificates as PEM (a bundle when several). */
    public static void writePem(Path file, X509Certificate... certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (X509Certificate c : certificates) {
                pem.writeObject(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(file, out.toString());
    }

    private static void writeKey(Path file, PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(file, out.toString());
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tighten
        }
    }

    private static void write(Path file, String text) {
        try {
            // Write then move, so a process watching the file never reads half of it.
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".pem-", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e, e);
        }
    }
}
