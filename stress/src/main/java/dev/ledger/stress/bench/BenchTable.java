package dev.ledger.stress.bench;

import java.util.List;
import java.util.OptionalDouble;

/** Formats benchmark rows as a table with the TCP-path / raw-producer throughput ratio. Immutable. */
public final class BenchTable {

    /** The SDK → server → Kafka phase, plaintext. */
    public static final String TCP = "sdk-server-kafka";
    /** The same over TLS ({@code bench --tls}). */
    public static final String TLS = "sdk-tls-server-kafka";

    private final List<BenchRow> rows;

    public BenchTable(List<BenchRow> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Best TCP-path throughput over best raw-producer throughput, or NaN if either phase is missing. */
    public double ratio() {
        OptionalDouble raw = best("raw-producer");
        OptionalDouble tcp = best(TCP);
        return raw.isPresent() && tcp.isPresent() ? tcp.getAsDouble() / raw.getAsDouble() : Double.NaN;
    }

    /** Throughput over TLS / plaintext, summed over the runs of each phase (NaN without a TLS phase). */
    public double tlsRatio() {
        double tcp = rate(TCP);
        double tls = rate(TLS);
        return tcp > 0 && tls > 0 ? tls / tcp : Double.NaN;
    }

    private double rate(String phase) {
        double events = 0;
        double seconds = 0;
        for (BenchRow r : rows) {
            if (r.phase().equals(phase)) {
                events += r.events();
                seconds += r.seconds();
            }
        }
        return seconds > 0 ? events / seconds : 0;
    }

    private OptionalDouble best(String phase) {
        return rows.stream().filter(r -> r.phase().equals(phase)).mapToDouble(BenchRow::eventsPerSecond).max();
    }

    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("| %-20s | %3s | %10s | %12s | %9s | %9s | %9s | %9s | %9s |%n", "phase", "run",
                "events", "events/s", "p50 ms", "p99 ms", "driver s", "server s", "broker s"));
        sb.append("|").append("-".repeat(22)).append("|-----|").append("-".repeat(12)).append("|")
                .append("-".repeat(14)).append(("|" + "-".repeat(11)).repeat(5)).append("|\n");
        for (BenchRow r : rows) {
            sb.append(String.format("| %-20s | %3d | %10d | %12.0f | %9.3f | %9.3f | %9s | %9s | %9s |%n",
                    r.phase(), r.repeat(), r.events(), r.eventsPerSecond(), r.p50Micros() / 1000.0,
                    r.p99Micros() / 1000.0, cpu(r.driverCpuSeconds()), cpu(r.serverCpuSeconds()),
                    cpu(r.brokerCpuSeconds())));
        }
        double ratio = ratio();
        if (!Double.isNaN(ratio)) {
            sb.append(String.format("ratio sdk-server-kafka / raw-producer = %.2f%n", ratio));
        }
        double tls = tlsRatio();
        if (!Double.isNaN(tls)) {
            sb.append(String.format("ratio %s / %s = %.2f (goal >= 0.8)%n", TLS, TCP, tls));
        }

        return sb.toString();
    }

    private static String cpu(double seconds) {
        return seconds < 0 ? "n/a" : String.format("%.1f", seconds);
    }
}
