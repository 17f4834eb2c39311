package dev.ledger.stress.bench;

/**
 * One line of the benchmark table. CPU figures are seconds of CPU time used by each process during the phase;
 * -1 when that process is external or the OS does not say. Immutable.
 */
public record BenchRow(String phase, int repeat, long events, double seconds, double eventsPerSecond,
        long p50Micros, long p99Micros, double driverCpuSeconds, double serverCpuSeconds, double brokerCpuSeconds) {
}
