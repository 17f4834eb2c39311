package dev.ledger.stress.report;

/**
 * One second (or so) of a run: how many events completed and their latency.
 *
 * @param elapsedSeconds end of the interval, seconds since the run started
 * @param completed acknowledged events whose latency was recorded in this interval
 * @param ratePerSecond completed events per second over the interval
 * @param p50Micros median latency, microseconds
 * @param p99Micros 99th percentile latency, microseconds
 * @param maxMicros maximum latency, microseconds
 * @param errors events that failed in this interval
 */
public record IntervalSample(double elapsedSeconds, long completed, double ratePerSecond, long p50Micros,
        long p99Micros, long maxMicros, long errors) {
}
