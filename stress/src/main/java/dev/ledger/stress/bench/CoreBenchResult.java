package dev.ledger.stress.bench;

import java.util.List;
import java.util.Map;

/**
 * What {@code bench --phases core} measured. Immutable.
 *
 * @param topicPrefix the run's topics are {@code <topicPrefix>.mutations}, {@code .decisions}, {@code .snapshots}
 * @param events mutation records in the topic (setup included)
 * @param decided decisions made by the measured core (the transfers; the setup was decided before)
 * @param overdraftAttempts transfers that ask for more than the payer can hold
 * @param fillSeconds time to pre-fill the transfers
 * @param secondsFromStart measured core: process start to the last decision committed
 * @param secondsFromActive measured core: active (lease held, journal folded) to the last decision committed
 * @param decisionsPerSecondFromStart {@code decided / secondsFromStart}
 * @param decisionsPerSecondActive {@code decided / secondsFromActive}
 * @param coreCpuMicrosPerEvent the core process's CPU (user + system, JVM start included) per decision
 * @param coreCpuMicrosPerEventActive the core's CPU while active per decision
 * @param brokerCpuSeconds the broker's CPU during the measured run; -1 when external
 * @param restartFromSnapshotSeconds a restarted core: process start to active at the final sequence
 * @param restartFromEmptySeconds the same with an empty snapshots topic: the whole journal replayed
 * @param decisionsByKind the measured core's decisions by outcome, reason and duplicate flag (its metrics)
 * @param coreJvmOpts the core JVM's options
 */
public record CoreBenchResult(String topicPrefix, long events, long decided, long overdraftAttempts,
        double fillSeconds, double secondsFromStart, double secondsFromActive, double decisionsPerSecondFromStart,
        double decisionsPerSecondActive, double coreCpuMicrosPerEvent, double coreCpuMicrosPerEventActive,
        double brokerCpuSeconds, double restartFromSnapshotSeconds, double restartFromEmptySeconds,
        Map<String, Long> decisionsByKind, List<String> coreJvmOpts) {

    public CoreBenchResult {
        decisionsByKind = Map.copyOf(decisionsByKind);
        coreJvmOpts = List.copyOf(coreJvmOpts);
    }

    /** The table printed at the end of the phase. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("| %-30s | %14s |%n", "core (" + events + " events)", "value"));
        sb.append("|").append("-".repeat(32)).append("|").append("-".repeat(16)).append("|\n");
        row(sb, "decided by the measured core", String.valueOf(decided));
        row(sb, "decisions/s from process start", String.format("%.0f", decisionsPerSecondFromStart));
        row(sb, "decisions/s while active", String.format("%.0f", decisionsPerSecondActive));
        row(sb, "seconds from start / active", String.format("%.2f / %.2f", secondsFromStart, secondsFromActive));
        row(sb, "core CPU us/event (all)", String.format("%.2f", coreCpuMicrosPerEvent));
        row(sb, "core CPU us/event (active)", String.format("%.2f", coreCpuMicrosPerEventActive));
        row(sb, "broker CPU s", brokerCpuSeconds < 0 ? "n/a" : String.format("%.1f", brokerCpuSeconds));
        row(sb, "restart from snapshot s", String.format("%.2f", restartFromSnapshotSeconds));
        row(sb, "restart from empty s", String.format("%.2f", restartFromEmptySeconds));
        new java.util.TreeMap<>(decisionsByKind).forEach((k, v) -> row(sb, "  " + k, String.valueOf(v)));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append(String.format("| %-30s | %14s |%n", name, value));
    }
}
