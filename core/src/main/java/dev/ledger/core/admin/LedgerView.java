package dev.ledger.core.admin;

import dev.ledger.core.rules.Ledger;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What the admin server may ask of the core loop. Reads run on the loop's own thread between batches, so they see a
 * consistent state without locks; a loop that is busy (catching up, or blocked on Kafka) answers late and the admin
 * server gives up after its timeout. Implementations are thread-safe.
 */
public interface LedgerView {

    /** Runs {@code read} on the loop thread against the current state. */
    <T> CompletableFuture<T> read(Function<Ledger, T> read);

    /** "starting", "standby", "active" or "stopped". */
    String role();

    /** Milliseconds since the loop last had nothing left to read (-1: never). */
    long lagMillis();

    /** Milliseconds since the loop last went round (-1: not started). */
    long sinceLastTickMillis();
}
