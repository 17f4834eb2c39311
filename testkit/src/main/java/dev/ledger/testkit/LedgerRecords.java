package dev.ledger.testkit;

import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import dev.ledger.testkit.support.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * What the ledger's topics hold, for assertions: the mutations the server stored (an ACCEPTED event is there the
 * moment the SDK reports it) and the core's decisions from the {@code ledger.decisions} journal (committed ones
 * only; a decision follows its mutation within about a second). Every call reads the topic afresh, so it sees the
 * current generation after {@code reset()}.
 *
 * <p>Thread-safe (stateless apart from the topic names it follows).
 */
public final class LedgerRecords {

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 100;

    private final String bootstrapServers;
    private final Supplier<Topics> topics;
    private final boolean coreRuns;

    LedgerRecords(String bootstrapServers, Supplier<Topics> topics, boolean coreRuns) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.coreRuns = coreRuns;
    }

    /** Every event in the mutations topic, in partition then offset order (a resent event may appear twice). */
    public List<MutationEvent> mutations() {
        return TopicRecords.mutations(bootstrapServers, topics.get().mutations());
    }

    /** The ids of {@link #mutations()}, in the same order. */
    public List<String> eventIds() {
        List<String> ids = new ArrayList<>();
        mutations().forEach(e -> ids.add(e.getEventId()));
        return ids;
    }

    /** Every committed decision of the journal, in sequence order (duplicates included). */
    public List<Decision> decisions() {
        return TopicRecords.decisions(bootstrapServers, topics.get().decisions());
    }

    /** The original (not duplicate) decision for {@code eventId}, if the core has made it. */
    public Optional<Decision> decision(String eventId) {
        return originals(decisions()).values().stream().filter(d -> d.getEventId().equals(eventId)).findFirst();
    }

    /** {@link #awaitDecision(String, Duration)} with 30 s. */
    public Decision awaitDecision(String eventId) {
        return awaitDecision(eventId, DEFAULT_WAIT);
    }

    /**
     * Waits until the journal holds the original decision for {@code eventId} and returns it.
     *
     * @throws AssertionError when it is not there within {@code timeout}
     * @throws IllegalStateException when this ledger runs without a core (nothing decides)
     */
    public Decision awaitDecision(String eventId, Duration timeout) {
        return awaitDecisions(List.of(eventId), timeout).get(0);
    }

    /**
     * {@link #awaitDecisions(Collection, Duration)} with 30 s. Use it before a mutation that depends on earlier ones
     * keyed to other partitions (a transfer to an account just opened): the core orders decisions within a
     * partition only.
     */
    public List<Decision> awaitDecisions(String... eventIds) {
        return awaitDecisions(List.of(eventIds), DEFAULT_WAIT);
    }

    /**
     * Waits until the journal holds an original decision for every id; returns them in the order of {@code ids}.
     *
     * @throws AssertionError naming the ids still undecided when {@code timeout} passed
     */
    public List<Decision> awaitDecisions(Collection<String> eventIds, Duration timeout) {
        if (!coreRuns) {
            throw new IllegalStateException("this ledger runs without the core (core(false)), so nothing is decided");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Decision> byId = originals(decisions());
            if (byId.keySet().containsAll(eventIds)) {
                List<Decision> out = new ArrayList<>();
                eventIds.forEach(id -> out.add(byId.get(id)));
                return out;
            }
            if (System.nanoTime() > deadline) {
                List<String> missing = eventIds.stream().filter(id -> !byId.containsKey(id)).toList();
                throw new AssertionError("no decision within " + timeout + " for " + missing.size() + " event(s), e.g. "
                        + missing.subList(0, Math.min(5, missing.size())) + "; journal " + topics.get().decisions()
                        + " holds " + byId.size() + " original decisions");
            }
            sleep();
        }
    }

    /**
     * The balance of {@code accountId} after the newest decision that changed it, in minor units; empty when no
     * decision names it. Read once: await the decision you care about first.
     */
    public OptionalLong balance(String accountId) {
        List<Decision> all = decisions();
        for (int i = all.size() - 1; i >= 0; i--) {
            for (var b : all.get(i).getBalancesList()) {
                if (b.getAccountId().equals(accountId)) {
                    return OptionalLong.of(b.getBalanceMinor());
                }
            }
        }
        return OptionalLong.empty();
    }

    private static Map<String, Decision> originals(List<Decision> decisions) {
        Map<String, Decision> byId = new LinkedHashMap<>();
        for (Decision d : decisions) {
            if (!d.getDuplicate()) {
                byId.putIfAbsent(d.getEventId(), d);
            }
        }
        return byId;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for decisions", e);
        }
    }
}
