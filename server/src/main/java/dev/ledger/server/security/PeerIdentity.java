package dev.ledger.server.security;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/**
 * The identities a client certificate carries, in the spelling the principals file matches:
 * {@code subject:<canonical DN>} and {@code san:DNS:<name>}, {@code san:URI:<uri>}, {@code san:IP:<address>},
 * {@code san:EMAIL:<address>}. Stateless.
 */
public final class PeerIdentity {

    private PeerIdentity() {
    }

    /** The verified client certificate of a TLS connection, or null (plaintext, or no certificate sent). */
    public static X509Certificate peerCertificate(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    static Set<String> ids(X509Certificate cert) {
        Set<String> ids = new LinkedHashSet<>();
        ids.add(subjectId(cert.getSubjectX500Principal()));
        try {
            var sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    String kind = switch ((Integer) san.get(0)) {
                        case 1 -> "EMAIL";
                        case 2 -> "DNS";
                        case 6 -> "URI";
                        case 7 -> "IP";
                        default -> null;
                    };
                    if (kind != null && san.get(1) instanceof String value) {
                        ids.add(san(kind, value));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable SANs: the subject still identifies it
        }
        return ids;
    }

    static String subjectId(X500Principal subject) {
        return "subject:" + subject.getName(X500Principal.CANONICAL);
    }

    /** @throws IllegalStateException naming the file line when {@code value} is not KIND:value */
    static String sanId(String source, int line, String value) {
        int colon = value.indexOf(':');
        String kind = colon < 0 ? "" : value.substring(0, colon).toUpperCase(Locale.ROOT);
        if (!Set.of("DNS", "URI", "IP", "EMAIL").contains(kind) || colon == value.length() - 1) {
            throw new IllegalStateException("--principals-file " + source + " line " + line
                    + ": cert-san must be DNS:, URI:, IP: or EMAIL: followed by a value: " + value);
        }
        return san(kind, value.substring(colon + 1));
    }

    private static String san(String kind, String value) {
        return "san:" + kind + ":" + (kind.equals("DNS") || kind.equals("EMAIL") ? value.toLowerCase(Locale.ROOT) : value);
    }
}
