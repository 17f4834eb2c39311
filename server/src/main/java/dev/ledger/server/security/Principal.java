package dev.ledger.server.security;

import dev.ledger.proto.MutationEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One authenticated identity and what it may do: its credentials (SHA-256 hashes of its tokens, client certificate
 * subjects and subject alternative names), the event types it may send, the account-id patterns it may debit (a
 * transfer's payer, a top-up's settlement account) and its rate.
 *
 * <p>Immutable apart from its {@link RateLimiter}, which is thread-safe and kept across reloads of the principals
 * file while the principal's rate stays the same. Shared by every connection of the principal.
 */
public final class Principal {

    /** Event type names as the principals file spells them. */
    public static final List<String> EVENT_TYPES = List.of("create_account", "top_up", "transfer", "snapshot");

    private final String name;
    private final byte[] nameBytes;
    private final List<byte[]> tokenHashes;
    private final Set<String> certIds;
    private final Set<String> events;
    private final List<String> debitPatterns;
    private final List<Pattern> debitRegexes;
    private final long ratePerSecond;
    private final RateLimiter limiter;

    /**
     * @param certIds {@code subject:<RFC 2253 DN>} and {@code san:<KIND>:<value>} identities
     * @param events allowed event types from {@link #EVENT_TYPES}
     * @param debitPatterns glob patterns ({@code *} any run, {@code ?} one character) of debitable accounts
     * @param ratePerSecond events per second, 0 = unlimited
     */
    Principal(String name, List<byte[]> tokenHashes, Set<String> certIds, Set<String> events,
            List<String> debitPatterns, long ratePerSecond, RateLimiter limiter) {
        this.name = name;
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        this.tokenHashes = List.copyOf(tokenHashes);
        this.certIds = Set.copyOf(certIds);
        this.events = Set.copyOf(events);
        this.debitPatterns = List.copyOf(debitPatterns);
        this.debitRegexes = debitPatterns.stream().map(Principal::glob).toList();
        this.ratePerSecond = ratePerSecond;
        this.limiter = limiter;
    }

    /** A principal that may do everything without a rate, e.g. everyone on a server without authentication. */
    static Principal unrestricted(String name, List<byte[]> tokenHashes) {
        return new Principal(name, tokenHashes, Set.of(), Set.copyOf(EVENT_TYPES), List.of("*"), 0, null);
    }

    public String name() {
        return name;
    }

    /** UTF-8 name, for the {@code principal} record header (shared: do not modify). */
    public byte[] nameBytes() {
        return nameBytes;
    }

    public long ratePerSecond() {
        return ratePerSecond;
    }

    RateLimiter limiter() {
        return limiter;
    }

    List<byte[]> tokenHashes() {
        return tokenHashes;
    }

    Set<String> certIds() {
        return certIds;
    }

    /** Constant time in the number and position of this principal's hashes. */
    boolean hasTokenHash(byte[] hash) {
        boolean found = false;
        for (byte[] h : tokenHashes) {
            found |= MessageDigest.isEqual(h, hash);
        }
        return found;
    }

    boolean matchesAny(Set<String> peerIds) {
        for (String id : peerIds) {
            if (certIds.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this principal may send {@code event}.
     *
     * @return null when allowed, else the reason naming the rule that refused it
     */
    public String permits(MutationEvent event) {
        String type = typeName(event.getBodyCase());
        if (!events.contains(type)) {
            return "principal " + name + " may not send " + type + " events (its events rule allows "
                    + String.join(", ", events.stream().sorted().toList()) + ")";
        }
        String debited = switch (event.getBodyCase()) {
            case TRANSFER -> event.getTransfer().getPayerAccountId();
            case TOP_UP -> event.getTopUp().getSettlementAccountId();
            default -> null;
        };
        if (debited != null && !mayDebit(debited)) {
            return "principal " + name + " may not debit account " + debited + " (its debit-accounts rule allows "
                    + (debitPatterns.isEmpty() ? "none" : String.join(", ", debitPatterns)) + ")";
        }
        return null;
    }

    /** Takes one event's worth of rate; true when there was room (always without a rate). */
    public boolean tryAcquire() {
        return limiter == null || limiter.tryAcquire();
    }

    private boolean mayDebit(String account) {
        for (Pattern p : debitRegexes) {
            if (p.matcher(account).matches()) {
                return true;
            }
        }
        return false;
    }

    static String typeName(MutationEvent.BodyCase body) {
        return switch (body) {
            case CREATE_ACCOUNT -> "create_account";
            case TOP_UP -> "top_up";
            case TRANSFER -> "transfer";
            case SNAPSHOT -> "snapshot";
            case BODY_NOT_SET -> "unset";
        };
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
