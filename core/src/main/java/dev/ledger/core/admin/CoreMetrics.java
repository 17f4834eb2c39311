package dev.ledger.core.admin;

import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The one owner of the core's metrics (names documented in docs/CORE.md). The core loop reports into it; the admin
 * server scrapes {@link #registry()}. Thread-safe (the Prometheus client's metrics are), but {@link #lag} is called
 * by the core loop's thread only.
 */
public final class CoreMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter decisions = Counter.builder().name("ledger_core_decisions_total")
            .help("Decisions made by this core while active").labelNames("outcome", "reason", "duplicate")
            .register(registry);
    private final Counter journalFolded = Counter.builder().name("ledger_core_journal_folded_total")
            .help("Journal records folded into the state (standby tail, recovery, catch-up)").register(registry);
    private final Counter journalUnreadable = Counter.builder().name("ledger_core_journal_unreadable_total")
            .help("Journal records that could not be parsed or folded (skipped and logged)").register(registry);
    private final Counter transactions = Counter.builder().name("ledger_core_transactions_total")
            .help("Kafka transactions of the active core").labelNames("result").register(registry);
    private final Histogram commitDuration = Histogram.builder().name("ledger_core_commit_seconds")
            .help("How long the core loop waited in commitTransaction (flush of what the transaction holds, then the"
                    + " broker's end of the transaction), for every transaction of the active core: those with"
                    + " decisions, and the idle ones that carry only group offsets or snapshot chunks. A decision"
                    + " becomes visible to its server only after its transaction's commit")
            .classicOnly().classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
            .withoutExemplars().register(registry);
    private final Counter snapshots = Counter.builder().name("ledger_core_snapshots_total")
            .help("Snapshots written").register(registry);
    private final Counter promotions = Counter.builder().name("ledger_core_promotions_total")
            .help("Times this core became the active one").register(registry);
    private final Counter demotions = Counter.builder().name("ledger_core_demotions_total")
            .help("Times this core stopped being active (lease lost, fenced, Kafka failure)").register(registry);
    private final Gauge active = Gauge.builder().name("ledger_core_active")
            .help("1 while this core holds the lease and decides, else 0").register(registry);
    private final Gauge nextSequence = Gauge.builder().name("ledger_core_next_sequence")
            .help("Sequence number of the next decision").register(registry);
    private final Gauge accounts = Gauge.builder().name("ledger_core_accounts").help("Accounts in memory")
            .register(registry);
    private final Gauge keptIds = Gauge.builder().name("ledger_core_kept_ids").help("Event ids kept in memory")
            .register(registry);
    private final Gauge snapshotBytes = Gauge.builder().name("ledger_core_last_snapshot_bytes")
            .help("Bytes the last snapshot wrote: its state (accounts) and its new id segment").register(registry);
    private final Gauge snapshotPause = Gauge.builder().name("ledger_core_last_snapshot_pause_seconds")
            .help("How long the core loop stopped deciding to encode the last snapshot written (its chunks are"
                    + " written with the transactions that follow)").register(registry);
    private final Gauge lag = Gauge.builder().name("ledger_core_consumer_lag_records")
            .help("Records not yet read from the input: the mutations while active, the journal while standby")
            .labelNames("input").register(registry);
    private volatile long lastSnapshotNanos;
    /** The input whose lag was reported last (the core loop's thread only). */
    private String lagInput;

    {
        GaugeWithCallback.builder().name("ledger_core_last_snapshot_age_seconds")
                .help("Seconds since this core last wrote a snapshot; NaN before its first")
                .callback(cb -> {
                    long t = lastSnapshotNanos;
                    cb.call(t == 0 ? Double.NaN : (System.nanoTime() - t) / 1e9);
                }).register(registry);
        JvmMetrics.builder().register(registry);
    }

    // Label lookups cached per (outcome, reason, duplicate): the active core reports every decision.
    private final CounterDataPoint[] decisionPoints = new CounterDataPoint[4 * 32 * 2];

    public PrometheusRegistry registry() {
        return registry;
    }

    /** One decision, by its outcome and reason numbers (the hot path reports without a Decision object). */
    public void decided(int outcome, int reasonCode, boolean duplicate) {
        int i = ((outcome & 3) * 32 + (reasonCode & 31)) * 2 + (duplicate ? 1 : 0);
        CounterDataPoint p = decisionPoints[i];
        if (p == null) {
            p = decisions.labelValues(label(Outcome.forNumber(outcome)), label(ReasonCode.forNumber(reasonCode)),
                    String.valueOf(duplicate));
            decisionPoints[i] = p;
        }
        p.inc();
    }

    public void folded(long n) {
        if (n > 0) {
            journalFolded.inc(n);
        }
    }

    public void unreadable(long n) {
        if (n > 0) {
            journalUnreadable.inc(n);
        }
    }

    public void transaction(boolean committed) {
        transactions.labelValues(committed ? "committed" : "aborted").inc();
    }

    /** One {@code commitTransaction} that took {@code nanos}. */
    public void commitTook(long nanos) {
        commitDuration.observe(nanos / 1e9);
    }

    /** A snapshot of {@code bytes} is complete; the loop paused {@code pauseNanos} to encode it. */
    public void snapshot(long bytes, long pauseNanos) {
        snapshots.inc();
        snapshotBytes.set(bytes);
        snapshotPause.set(pauseNanos / 1e9);
        lastSnapshotNanos = System.nanoTime();
    }

    /**
     * The records left to read in the core's input, summed over its partitions; the series of the input read
     * before goes away. Called by the core loop's thread only.
     *
     * @param input {@code "mutations"} (active) or {@code "journal"} (standby)
     */
    public void lag(String input, long records) {
        String before = lagInput;
        if (before != null && !before.equals(input)) {
            // The core switched inputs (promoted or demoted): the old one's last value would stay as a stale series.
            lag.remove(before);
        }
        lagInput = input;
        lag.labelValues(input).set(records);
    }

    public void role(boolean isActive) {
        if (isActive) {
            promotions.inc();
        } else if (active.get() > 0) {
            demotions.inc();
        }
        active.set(isActive ? 1 : 0);
    }

    public void state(long next, long accountCount, long idCount) {
        nextSequence.set(next);
        accounts.set(accountCount);
        keptIds.set(idCount);
    }

    private static String label(Outcome o) {
        return o == null || o == Outcome.UNRECOGNIZED ? "unknown"
                : o.name().substring("OUTCOME_".length()).toLowerCase();
    }

    private static String label(ReasonCode r) {
        return r == null || r == ReasonCode.UNRECOGNIZED ? "unknown"
                : r.name().substring("REASON_".length()).toLowerCase();
    }
}
