package dev.ledger.stress.load;

import java.time.Duration;
import java.util.List;

/**
 * One load run, from the {@code run} flags (or bench's). Immutable; validated on construction.
 *
 * @param targets servers, host:port
 * @param connections lanes (one SDK client with one connection each)
 * @param ratePerSecond open-loop rate; 0 means closed loop ({@code --max})
 * @param window closed-loop in-flight events; in open loop, the SDK's in-flight bound
 * @param duration how long to send (with {@code events}, whichever ends first)
 * @param events how many events to send
 * @param setup open the accounts and top them up first (unmeasured)
 * @param warmup send the same load unmeasured for this long first (JIT, connection and producer warm-up)
 * @param awaitDecision send with {@code submitForDecision}: an event counts once the ledger core decided it, its
 *     latency runs to the decision, and outcomes are counted by decision and reason
 */
public record LoadSettings(List<String> targets, int connections, double ratePerSecond, int window,
        Duration duration, long events, Mix mix, int accounts, ClientOptions client, boolean setup,
        Duration warmup, boolean awaitDecision) {

    public LoadSettings {
        targets = List.copyOf(targets);
        if (connections < 1) {
            throw new IllegalArgumentException("--connections must be at least 1: " + connections);
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("--rate must be positive: " + ratePerSecond);
        }
        if (window < 1) {
            throw new IllegalArgumentException("--window must be at least 1: " + window);
        }
        if (events < 1) {
            throw new IllegalArgumentException("--events must be at least 1: " + events);
        }
    }

    public boolean openLoop() {
        return ratePerSecond > 0;
    }

    /** {@code open-loop 50000/s, 4 connections} or {@code closed-loop window=2000, 4 connections}. */
    public String mode() {
        return (openLoop() ? String.format("open-loop %.0f/s", ratePerSecond) : "closed-loop window=" + window)
                + ", " + connections + (client.connectionsPerLane() > 1
                        ? " lanes x " + client.connectionsPerLane() + " connections" : " connections") + ", batch " + client.maxEventsPerBatch() + ", mix " + mix
                + (awaitDecision ? ", awaiting decisions" : "");
    }
}
