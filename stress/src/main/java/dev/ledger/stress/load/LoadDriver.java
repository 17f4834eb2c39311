package dev.ledger.stress.load;

import dev.ledger.client.EventIds;
import dev.ledger.proto.MutationEvent;
import dev.ledger.stress.report.LatencyRecorder;
import dev.ledger.stress.report.LatencySummary;
import dev.ledger.stress.report.ProgressTicker;
import dev.ledger.stress.report.RunReport;
import dev.ledger.stress.verify.AckedEntry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Drives one load run through the SDK: optional unmeasured setup (accounts opened and topped up), then the
 * measured phase, open loop (paced by {@link OpenLoopLimiter}, latency from intended send time) or closed loop
 * (an in-flight window), until the event count or the duration is reached; then waits for every outstanding
 * event. Not thread-safe: one run per instance, on the calling thread.
 */
public final class LoadDriver {

    private final LoadSettings settings;
    private final Consumer<AckedEntry> ackedSink;
    private final PrintStream progress;

    /**
     * @param ackedSink receives every ACCEPTED event (setup included); must not block; {@code null} for none
     * @param progress where the per-second lines go, or {@code null}
     */
    public LoadDriver(LoadSettings settings, Consumer<AckedEntry> ackedSink, PrintStream progress) {
        this.settings = settings;
        this.ackedSink = ackedSink;
        this.progress = progress;
    }

    private Runnable onMeasuredStart = () -> { };

    /** Runs {@code hook} on the driving thread right before the measured phase starts (after setup and warm-up). */
    public LoadDriver onMeasuredStart(Runnable hook) {
        this.onMeasuredStart = hook;
        return this;
    }

    public RunReport run(String name) throws InterruptedException {
        LatencyRecorder latency = new LatencyRecorder();
        Outcomes outcomes = new Outcomes();
        Workload workload = new Workload(EventIds::next, settings.mix(), settings.accounts(), System.nanoTime());
        int window = settings.openLoop() ? 0 : settings.window();
        Duration drain = settings.client().requestTimeout().plusSeconds(10);
        try (Submitter submitter = new Submitter(settings.targets(), settings.connections(), window,
                settings.client(), latency, outcomes, ackedSink, settings.awaitDecision())) {
            if (settings.setup()) {
                setup(submitter, workload, drain);
            }
            if (!settings.warmup().isZero()) {
                warmup(submitter, workload, drain);
            }
            long start;
            long sent = 0;
            boolean drained;
            ProgressTicker ticker = new ProgressTicker(name, latency, progress, submitter::inFlight);
            try {
                onMeasuredStart.run();
                start = System.nanoTime();
                long stopAt = start + settings.duration().toNanos();
                OpenLoopLimiter limiter = settings.openLoop()
                        ? new OpenLoopLimiter(settings.ratePerSecond(), NanoClock.SYSTEM) : null;
                while (sent < settings.events() && System.nanoTime() < stopAt) {
                    MutationEvent e = workload.next();
                    long startNanos = limiter != null ? limiter.acquire() : System.nanoTime();
                    submitter.submit(e, startNanos);
                    sent++;
                }
                drained = submitter.awaitIdle(drain);
            } finally {
                ticker.close();
            }
            long durationNanos = System.nanoTime() - start;
            Map<String, Object> extra = new LinkedHashMap<>(submitter.sdkStats());
            if (!drained) {
                extra.put("stillInFlightAtEnd", submitter.inFlight());
            }
            return new RunReport(name, settings.mode(), durationNanos, sent, outcomes.get(Outcomes.ACCEPTED),
                    outcomes.snapshot(), LatencySummary.of(latency.total()), latency.intervals(), latency.total(),
                    extra);
        }
    }

    private void warmup(Submitter submitter, Workload workload, Duration drain) throws InterruptedException {
        submitter.measuring(false);
        OpenLoopLimiter limiter = settings.openLoop()
                ? new OpenLoopLimiter(settings.ratePerSecond(), NanoClock.SYSTEM) : null;
        long stopAt = System.nanoTime() + settings.warmup().toNanos();
        long sent = 0;
        while (System.nanoTime() < stopAt) {
            submitter.submit(workload.next(), limiter != null ? limiter.acquire() : System.nanoTime());
            sent++;
        }
        submitter.awaitIdle(drain);
        if (progress != null) {
            progress.printf("warm-up: %d events in %s, not measured%n", sent, settings.warmup());
        }
        submitter.measuring(true);
    }

    private void setup(Submitter submitter, Workload workload, Duration drain) throws InterruptedException {
        submitter.measuring(false);
        long t0 = System.nanoTime();
        long failedBefore = submitter.unmeasuredFailures();
        var events = workload.setupEvents();
        for (MutationEvent e : events) {
            submitter.submit(e, System.nanoTime());
        }
        if (!submitter.awaitIdle(drain)) {
            throw new IllegalStateException("setup did not finish within " + drain);
        }
        long failed = submitter.unmeasuredFailures() - failedBefore;
        if (failed > 0) {
            // The measured load would run against accounts that may not exist: its results would mislead.
            throw new IllegalStateException("setup failed: " + failed + " of " + events.size()
                    + " events were not accepted (last: " + submitter.lastUnmeasuredFailure() + ")");
        }
        if (progress != null) {
            progress.printf("setup: %d accounts opened and topped up in %.1f s%n", settings.accounts(),
                    (System.nanoTime() - t0) / 1e9);
        }
        submitter.measuring(true);
    }
}
