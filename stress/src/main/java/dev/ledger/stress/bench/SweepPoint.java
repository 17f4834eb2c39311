package dev.ledger.stress.bench;

/**
 * One measured point of {@code bench --sweep}, written as one element of the JSON {@code points} array. CPU
 * figures are microseconds of CPU time per acknowledged event over the measured part (warm-up excluded); -1 when
 * unknown (an external server). Immutable.
 *
 * @param sweep {@code connections} or {@code batch}
 * @param value the swept value
 * @param eventsPerSecond acknowledged events per second held at the point's open-loop rate
 * @param p50Micros latency from intended send time to Ack
 * @param p99Micros the same, 99th percentile
 * @param serverCpuMicrosPerEvent the server process
 * @param driverCpuMicrosPerEvent this JVM while it drives the SDK
 * @param rawCpuMicrosPerEvent this JVM while a plain KafkaProducer sends at the same rate (the floor)
 * @param eventsPerFrame events per Submit frame the SDK sent
 * @param mostHeldEventsPerSecond connections sweep: closed-loop throughput of the same shape; -1 when not probed
 * @param shape the load, e.g. {@code 10 lanes x 100 conn, batch 512, linger 1ms}
 */
public record SweepPoint(String sweep, int value, double eventsPerSecond, long p50Micros, long p99Micros,
        double serverCpuMicrosPerEvent, double driverCpuMicrosPerEvent, double rawCpuMicrosPerEvent,
        double eventsPerFrame, double mostHeldEventsPerSecond, String shape) {

    /** Server CPU per event over the raw producer's, or NaN when either is unknown. */
    public double serverToRaw() {
        return serverCpuMicrosPerEvent > 0 && rawCpuMicrosPerEvent > 0
                ? serverCpuMicrosPerEvent / rawCpuMicrosPerEvent : Double.NaN;
    }
}
