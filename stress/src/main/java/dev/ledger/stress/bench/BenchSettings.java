package dev.ledger.stress.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code bench} was asked to do, from its flags. Immutable.
 *
 * @param bootstrapServers external Kafka, or {@code null} to start a broker process
 * @param targets external servers, or empty to start a server process
 * @param ratePerSecond open-loop rate of both phases, or 0 for as fast as possible (closed loop)
 * @param core run the core phase ({@link CoreBench}); its event count is {@code events}, or
 *     {@link #CORE_EVENTS} when {@code events} is unbounded
 * @param coreJvmOpts options of the core JVM; empty = a heap sized for the run
 * @param coreJar the core's runnable jar; when absent the core runs from this jar's class path
 * @param coreArgs extra arguments of the core
 * @param overdraftShare fraction of the core phase's transfers that would overdraw their payer
 * @param tls also run the SDK path over TLS, against a second server process with a certificate made for the run
 *     (needs a bench-started server), and compare it with plaintext
 * @param security the SDK's token and TLS settings for the plaintext phase (external servers may need them)
 * @param decide run the decide phase: SDK -> server -> Kafka -> core -> decision back to the SDK, with a core process
 *     beside the server, each event awaiting its decision
 * @param sweep {@code connections} or {@code batch} to run {@link SweepBench} instead of the phases; {@code null}
 *     for none
 * @param sweepValues the swept values; empty for {@link SweepPlan#DEFAULT_VALUES}
 * @param svg where the sweep's plot goes, or {@code null}
 */
public record BenchSettings(String bootstrapServers, List<String> targets, String topic, int partitions,
        Duration duration, Duration warmup, long events, double ratePerSecond, int repeat, boolean raw, boolean tcp,
        int connections, int window,
        int batch, Duration linger, int accounts, List<String> brokerJvmOpts, List<String> serverJvmOpts,
        List<String> serverArgs, Path workDir, Path json, boolean core, List<String> coreJvmOpts, Path coreJar,
        List<String> coreArgs, double overdraftShare, boolean tls, dev.ledger.stress.load.ClientSecurity security,
        boolean decide, String sweep, List<Integer> sweepValues, Path svg) {

    /** Events of the core phase when {@code --events} is not given. */
    public static final long CORE_EVENTS = 2_000_000;

    /** The sweep to run, or {@code null} without {@code --sweep}. */
    public SweepPlan sweepPlan() {
        return sweep == null ? null : sweepPlan(sweep, sweepValues, ratePerSecond, connections, batch, linger);
    }

    private static SweepPlan sweepPlan(String sweep, List<Integer> values, double rate, int connections, int batch,
            Duration linger) {
        return SweepPlan.of(sweep, values, rate, connections, batch, linger);
    }

    public BenchSettings {
        coreJvmOpts = List.copyOf(coreJvmOpts);
        coreArgs = List.copyOf(coreArgs);
        targets = List.copyOf(targets);
        brokerJvmOpts = List.copyOf(brokerJvmOpts);
        serverJvmOpts = List.copyOf(serverJvmOpts);
        serverArgs = List.copyOf(serverArgs);
        sweepValues = List.copyOf(sweepValues);
        if (sweep != null) {
            sweepPlan(sweep, sweepValues, ratePerSecond, connections, batch, linger); // fails on a bad value
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1: " + repeat);
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("--rate must not be negative: " + ratePerSecond);
        }
        if (tls && !targets.isEmpty()) {
            throw new IllegalArgumentException("--tls compares TLS with plaintext on servers the bench starts; with "
                    + "--target use the --tls-* client options instead");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1: " + partitions);
        }
    }
}
