package dev.ledger.stress.load;

import dev.ledger.client.LedgerClient;
import java.time.Duration;
import java.util.List;

/**
 * SDK settings of every lane of a load, and when a lane gives up on its server. Immutable.
 *
 * @param maxInFlightEvents per lane
 * @param maxEventsPerBatch SDK batching ({@code --batch})
 * @param linger how long the SDK waits to fill a batch
 * @param requestTimeout per-event deadline
 * @param security token and TLS; {@link ClientSecurity#NONE} for neither
 * @param connectionsPerLane TCP connections of each lane's client to its current target (the SDK's
 *     {@code connectionsPerEndpoint}); the SDK fills them one at a time and keeps a key on one connection while any
 *     of its events is unanswered, so a key's events stay in order unless one is resent
 * @param failoverAfter with several targets, a lane whose events are outstanding and none of which completed for
 *     this long moves to its next target and resends what it has outstanding there
 */
public record ClientOptions(int maxInFlightEvents, int maxEventsPerBatch, Duration linger, Duration requestTimeout,
        ClientSecurity security, int connectionsPerLane, Duration failoverAfter) {

    /** {@code --failover-after}'s default. */
    public static final Duration DEFAULT_FAILOVER_AFTER = Duration.ofSeconds(2);

    public ClientOptions {
        if (connectionsPerLane < 1) {
            throw new IllegalArgumentException("connections per lane must be at least 1: " + connectionsPerLane);
        }
        if (failoverAfter == null || failoverAfter.isNegative() || failoverAfter.isZero()) {
            throw new IllegalArgumentException("--failover-after must be positive: " + failoverAfter);
        }
    }

    /** One connection per lane, failover after {@link #DEFAULT_FAILOVER_AFTER}. */
    public ClientOptions(int maxInFlightEvents, int maxEventsPerBatch, Duration linger, Duration requestTimeout,
            ClientSecurity security) {
        this(maxInFlightEvents, maxEventsPerBatch, linger, requestTimeout, security, 1, DEFAULT_FAILOVER_AFTER);
    }

    /** The same options with other security settings. */
    public ClientOptions with(ClientSecurity other) {
        return new ClientOptions(maxInFlightEvents, maxEventsPerBatch, linger, requestTimeout, other,
                connectionsPerLane, failoverAfter);
    }

    /** The same options with {@code connections} TCP connections per lane. */
    public ClientOptions withConnectionsPerLane(int connections) {
        return new ClientOptions(maxInFlightEvents, maxEventsPerBatch, linger, requestTimeout, security, connections,
                failoverAfter);
    }

    /** The same options with another failover delay. */
    public ClientOptions withFailoverAfter(Duration after) {
        return new ClientOptions(maxInFlightEvents, maxEventsPerBatch, linger, requestTimeout, security,
                connectionsPerLane, after);
    }

    LedgerClient newClient(String endpoint, String name) {
        var b = LedgerClient.builder().endpoints(endpoint).clientName(name).connectionsPerEndpoint(connectionsPerLane)
                .maxInFlightEvents(maxInFlightEvents).maxEventsPerBatch(Math.min(maxEventsPerBatch, maxInFlightEvents))
                .linger(linger).requestTimeout(requestTimeout);
        (security == null ? ClientSecurity.NONE : security).applyTo(b);
        return b.build();
    }

    /** The targets in lane {@code lane}'s order: its own ({@code lane mod n}) first, then the next ones, wrapping. */
    static List<String> rotated(List<String> targets, int lane) {
        int n = targets.size();
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = targets.get((lane + i) % n);
        }
        return List.of(out);
    }
}
