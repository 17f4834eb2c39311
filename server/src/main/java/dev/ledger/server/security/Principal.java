package dev.ledger.server.security;

import dev.ledger.core.rules.WireEvent;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

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
    private final List<DebitGlob> debitGlobs;
    /** Bit f set when this principal may send events whose body is MutationEvent field f. */
    private final int sendableBodies;
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
        this.debitGlobs = debitPatterns.stream().map(DebitGlob::new).toList();
        int bodies = 0;
        for (int field : new int[] {MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER, MutationEvent.TOP_UP_FIELD_NUMBER,
                MutationEvent.TRANSFER_FIELD_NUMBER, MutationEvent.SNAPSHOT_FIELD_NUMBER}) {
            bodies |= events.contains(typeName(field)) ? 1 << field : 0;
        }
        this.sendableBodies = bodies;
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
     * Whether this principal may send {@code event}, read from its bytes (no String unless refused).
     *
     * @return null when allowed, else the reason naming the rule that refused it
     */
    public String permits(WireEvent event) {
        int body = event.bodyField();
        if ((sendableBodies & 1 << body) == 0) {
            return "principal " + name + " may not send " + typeName(body) + " events (its events rule allows "
                    + String.join(", ", events.stream().sorted().toList()) + ")";
        }
        int debited = switch (body) {
            case MutationEvent.TRANSFER_FIELD_NUMBER -> Transfer.PAYER_ACCOUNT_ID_FIELD_NUMBER;
            case MutationEvent.TOP_UP_FIELD_NUMBER -> TopUp.SETTLEMENT_ACCOUNT_ID_FIELD_NUMBER;
            default -> 0;
        };
        if (debited != 0 && !mayDebit(event.buffer(), event.textOffset(debited),
                event.textOffset(debited) + event.textLength(debited))) {
            return "principal " + name + " may not debit account " + event.text(debited)
                    + " (its debit-accounts rule allows "
                    + (debitPatterns.isEmpty() ? "none" : String.join(", ", debitPatterns)) + ")";
        }
        return null;
    }

    /** Takes one event's worth of rate; true when there was room (always without a rate). */
    public boolean tryAcquire() {
        return limiter == null || limiter.tryAcquire();
    }

    private boolean mayDebit(byte[] account, int from, int to) {
        for (DebitGlob g : debitGlobs) {
            if (g.matches(account, from, to)) {
                return true;
            }
        }
        return false;
    }

    /** The event type name of a MutationEvent body field number, as the principals file spells it. */
    static String typeName(int bodyField) {
        return switch (bodyField) {
            case MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER -> "create_account";
            case MutationEvent.TOP_UP_FIELD_NUMBER -> "top_up";
            case MutationEvent.TRANSFER_FIELD_NUMBER -> "transfer";
            case MutationEvent.SNAPSHOT_FIELD_NUMBER -> "snapshot";
            default -> "unset";
        };
    }
}
