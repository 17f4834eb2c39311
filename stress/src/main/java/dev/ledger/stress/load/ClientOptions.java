package dev.ledger.stress.load;

import dev.ledger.client.LedgerClient;
import java.time.Duration;

/**
 * SDK settings of every lane of a load. Immutable.
 *
 * @param maxInFlightEvents per lane
 * @param maxEventsPerBatch SDK batching ({@code --batch})
 * @param linger how long the SDK waits to fill a batch
 * @param requestTimeout per-event deadline
 * @param security token and TLS; {@link ClientSecurity#NONE} for neither
 */
public record ClientOptions(int maxInFlightEvents, int maxEventsPerBatch, Duration linger, Duration requestTimeout,
        ClientSecurity security) {

    /** The same options with other security settings. */
    public ClientOptions with(ClientSecurity other) {
        return new ClientOptions(maxInFlightEvents, maxEventsPerBatch, linger, requestTimeout, other);
    }

    LedgerClient newClient(String endpoint, String name) {
        var b = LedgerClient.builder().endpoints(endpoint).clientName(name).connectionsPerEndpoint(1)
                .maxInFlightEvents(maxInFlightEvents).maxEventsPerBatch(Math.min(maxEventsPerBatch, maxInFlightEvents))
                .linger(linger).requestTimeout(requestTimeout);
        (security == null ? ClientSecurity.NONE : security).applyTo(b);
        return b.build();
    }
}
