package dev.ledger.stress.bench;

import java.util.List;
import java.util.OptionalDouble;

/** Formats benchmark rows as a table with the TCP-path / raw-producer throughput ratio. Immutable. */
public final class BenchTable {

    private final List<BenchRow> rows;

    public BenchTable(List<BenchRow> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Best TCP-path throughput over best raw-producer throughput, or NaN if either phase is missing. */
    public double ratio() {
        OptionalDouble raw = best("raw-producer");
        OptionalDouble tcp = best("sdk-server-kafka");
        return raw.isPresent() && tcp.isPresent() ? tcp.getAsDouble() / raw.getAsDouble() : Double.NaN;
    }

    private OptionalDouble best(String phase) {
        return rows.stream().filter(r -> r.phase().equals(phase)).mapToDouble(BenchRow::eventsPerSecond).max();
    }

    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("| %-16s | %3s | %10s | %12s | %9s | %9s | %9s | %9s | %9s |%n", "phase", "run",
                "events", "events/s", "p50 ms", "p99 ms", "driver s", "server s", "broker s"));
        sb.append("|").append("-".repeat(18)).append("|-----|").append("-".repeat(12)).append("|")
                .append("-".repeat(14)).append(("|" + "-".repeat(11)).repeat(5)).append("|\n");
        for (BenchRow r : rows) {
            sb.append(String.format("| %-16s | %3d | %10d | %12.0f | %9.3f | %9.3f | %9s | %9s | %9s |%n",
                    r.phase(), r.repeat(), r.events(), r.eventsPerSecond(), r.p50Micros() / 1000.0,
                    r.p99Micros() / 1000.0, cpu(r.driverCpuSeconds()), cpu(r.serverCpuSeconds()),
                    cpu(r.brokerCpuSeconds())));
        }
        double ratio = ratio();
        if (!Double.isNaN(ratio)) {
            sb.append(String.format("ratio sdk-server-kafka / raw-producer = %.2f%n", ratio));
        }
        return sb.toString();
    }

    private static String cpu(double seconds) {
        return seconds < 0 ? "n/a" : String.format("%.1f", seconds);
    }
}
