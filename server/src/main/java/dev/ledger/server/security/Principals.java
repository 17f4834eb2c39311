package dev.ledger.server.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect and as whom. Three modes, chosen at startup:
 * <ul>
 *   <li><b>principals file</b> ({@code --principals-file}): the listed principals, reloaded when the file changes;
 *       a token or a client certificate must match one of them;</li>
 *   <li><b>auth tokens</b> ({@code LEDGER_AUTH_TOKENS} in the environment, the older form): each token is
 *       a principal named {@code token-<first 8 hex digits of its SHA-256>} that may do everything;</li>
 *   <li><b>open</b>: everyone is let in, as {@code anonymous}, or with a client certificate (mTLS without a
 *       principals file) as {@code cert:<subject>}; both may do everything.</li>
 * </ul>
 * Tokens are only ever held as SHA-256 hashes and compared in constant time (every hash of every principal is
 * compared, whatever matches). A connection keeps its {@link Authentication}; {@link #current} re-resolves it
 * against the latest file on every Submit, so a principal removed from the file, or a token or certificate
 * identity removed from it, stops working on live connections too.
 *
 * <p>Thread-safe: event loops read one volatile snapshot; {@link #reload()} (file watcher thread) swaps it.
 */
public final class Principals {

    private static final Logger log = LoggerFactory.getLogger(Principals.class);
    private static final Principal ANONYMOUS = Principal.unrestricted("anonymous", List.of());

    /** The outcome of a Hello: a principal, or why there is none. */
    public record Authentication(Principal principal, String failure, byte[] tokenHash, Set<String> certIds) {
        static Authentication refused(String why) {
            return new Authentication(null, why, null, Set.of());
        }
    }

    private final Path file;
    private final boolean open;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile Map<String, Principal> byName;

    private Principals(Path file, boolean open, List<Principal> principals) {
        this.file = file;
        this.open = open;
        this.byName = index(principals);
    }

    /** No authentication. */
    public static Principals open() {
        return new Principals(null, true, List.of());
    }

    /** The older form: each token an unrestricted principal. */
    public static Principals tokens(Collection<String> tokens) {
        List<Principal> principals = tokens.stream().map(t -> {
            byte[] hash = sha256(t);
            return Principal.unrestricted("token-" + HexFormat.of().formatHex(hash, 0, 4), List.of(hash));
        }).toList();
        return new Principals(null, principals.isEmpty(), principals);
    }

    /**
     * Reads a principals file.
     *
     * @throws IllegalStateException naming the file and the problem (unreadable, world-readable, a bad line)
     */
    public static Principals load(Path file) {
        Principals p = new Principals(file, false, List.of());
        p.byName = index(PrincipalsFile.read(file, p::limiter));
        return p;
    }

    /** The principals file, or null in the other modes. */
    public Path file() {
        return file;
    }

    /** For the startup line: the mode and the number of principals, never a credential. */
    public String describe() {
        if (file != null) {
            return "principals file " + file + " (" + byName.size() + " principals)";
        }
        return open ? "none (open)" : "auth tokens (" + byName.size() + ")";
    }

    /** Re-reads the file (watcher thread); a bad file is refused with a log line and the old principals stay. */
    public void reload() {
        try {
            Map<String, Principal> fresh = index(PrincipalsFile.read(file, this::limiter));
            byName = fresh;
            limiters.keySet().retainAll(fresh.keySet());
            reloads.incrementAndGet();
            log.info("principals file {} reloaded: {} principals", file, fresh.size());
        } catch (IllegalStateException e) {
            reloadFailures.incrementAndGet();
            log.error("principals file reload refused, the previous principals stay in force: {}", e.getMessage());
        }
    }

    /**
     * Authenticates a Hello. Never blocks; runs on an event loop.
     *
     * @param token Hello.auth_token, empty when none was sent
     * @param peer the verified client certificate, or null
     */
    public Authentication authenticate(String token, X509Certificate peer) {
        Set<String> certIds = peer == null ? Set.of() : PeerIdentity.ids(peer);
        if (open) {
            Principal p = peer == null ? ANONYMOUS
                    : Principal.unrestricted("cert:" + peer.getSubjectX500Principal().getName(), List.of());
            return new Authentication(p, null, null, certIds);
        }
        byte[] hash = token.isEmpty() ? null : sha256(token);
        Principal byToken = null;
        Principal byCert = null;
        for (Principal p : byName.values()) {
            // No early exit: the time does not depend on which principal (if any) holds the token.
            if (hash != null && p.hasTokenHash(hash)) {
                byToken = p;
            }
            if (byCert == null && !certIds.isEmpty() && p.matchesAny(certIds)) {
                byCert = p;
            }
        }
        if (hash != null && byToken == null) {
            return Authentication.refused("auth_token is not accepted");
        }
        if (byToken != null && byCert != null && byToken != byCert) {
            return Authentication.refused("auth_token and client certificate belong to different principals");
        }
        Principal p = byToken != null ? byToken : byCert;
        if (p == null) {
            return Authentication.refused(peer == null ? "auth_token is missing"
                    : "no principal lists the client certificate " + peer.getSubjectX500Principal().getName()
                            + " and no auth_token was sent");
        }
        return new Authentication(p, null, hash, byToken != null ? Set.of() : certIds);
    }

    /**
     * The principal of an earlier authentication as the file says now: null when it was removed or the credential
     * it used no longer belongs to it. Cheap (one map lookup); runs on every Submit.
     */
    public Principal current(Authentication auth) {
        if (open || file == null) {
            return auth.principal();
        }
        Principal now = byName.get(auth.principal().name());
        if (now == null) {
            return null;
        }
        if (now == auth.principal()) {
            return now;
        }
        boolean stillValid = auth.tokenHash() != null ? now.hasTokenHash(auth.tokenHash()) : now.matchesAny(auth.certIds());
        return stillValid ? now : null;
    }

    private RateLimiter limiter(String name, long ratePerSecond) {
        return limiters.compute(name, (n, old) -> old != null && old.ratePerSecond() == ratePerSecond
                ? old : new RateLimiter(ratePerSecond));
    }

    private static Map<String, Principal> index(List<Principal> principals) {
        Map<String, Principal> map = new HashMap<>();
        for (Principal p : principals) {
            map.put(p.name(), p);
        }
        return Map.copyOf(map);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
