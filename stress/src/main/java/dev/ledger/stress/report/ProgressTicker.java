package dev.ledger.stress.report;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Prints one progress line per second (completed rate, p50, p99, max, errors) by closing an interval of a
 * {@link LatencyRecorder}. Owns the recorder's reporting side while running. Start once, stop once; not meant
 * to be shared.
 */
public final class ProgressTicker implements AutoCloseable {

    private final LatencyRecorder recorder;
    private final PrintStream out;
    private final LongSupplier inFlight;
    private final Thread thread;
    private final long startNanos;
    private long lastNanos;
    private volatile boolean running = true;

    /**
     * @param inFlight how many events are outstanding, printed on each line
     */
    public ProgressTicker(String name, LatencyRecorder recorder, PrintStream out, LongSupplier inFlight) {
        this.recorder = recorder;
        this.out = out;
        this.inFlight = inFlight;
        this.startNanos = System.nanoTime();
        this.lastNanos = startNanos;
        this.thread = new Thread(this::loop, name + "-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long next = startNanos;
        while (running) {
            next += 1_000_000_000L;
            long wait;
            while (running && (wait = next - System.nanoTime()) > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, Math.min(wait, 50_000_000L));
            }
            if (running) {
                tick(true);
            }
        }
    }

    private synchronized void tick(boolean print) {
        long now = System.nanoTime();
        IntervalSample s = recorder.closeInterval((now - startNanos) / 1e9, now - lastNanos);
        lastNanos = now;
        if (print && out != null) {
            out.printf("%6.1fs  rate=%8.0f/s  p50=%s  p99=%s  max=%s  errors=%d  in-flight=%d%n",
                    s.elapsedSeconds(), s.ratePerSecond(), LatencySummary.ms(s.p50Micros()),
                    LatencySummary.ms(s.p99Micros()), LatencySummary.ms(s.maxMicros()), s.errors(),
                    inFlight.getAsLong());
        }
    }

    /** Stops the ticker and closes the last partial interval so the total covers every record. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tick(false);
    }
}
