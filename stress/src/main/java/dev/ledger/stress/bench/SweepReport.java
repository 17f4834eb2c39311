package dev.ledger.stress.bench;

import dev.ledger.stress.report.SvgChart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of {@code bench --sweep}: a table for stdout, the JSON document ({@code {"points": [...]}}) and an
 * SVG plot of server and raw-producer CPU µs per event against the swept value (log-log). Immutable.
 */
public final class SweepReport {

    private final SweepPlan plan;
    private final List<SweepPoint> points;

    public SweepReport(SweepPlan plan, List<SweepPoint> points) {
        this.plan = plan;
        this.points = List.copyOf(points);
    }

    public List<SweepPoint> points() {
        return points;
    }

    /** A Markdown table, ready to paste into docs/PERFORMANCE.md. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("sweep %s at %.0f events/s (open loop)%n", plan.sweep(), plan.ratePerSecond()));
        sb.append("| ").append(plan.sweep()).append(" | shape | events/s | p50 ms | p99 ms | server µs/ev | "
                + "driver µs/ev | raw µs/ev | server/raw | events/frame | most held/s |\n");
        sb.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SweepPoint p : points) {
            sb.append(String.format("| %d | %s | %.0f | %.2f | %.2f | %s | %s | %s | %s | %.1f | %s |%n", p.value(),
                    p.shape(), p.eventsPerSecond(), p.p50Micros() / 1000.0, p.p99Micros() / 1000.0,
                    micros(p.serverCpuMicrosPerEvent()), micros(p.driverCpuMicrosPerEvent()),
                    micros(p.rawCpuMicrosPerEvent()),
                    Double.isNaN(p.serverToRaw()) ? "n/a" : String.format("%.2f", p.serverToRaw()),
                    p.eventsPerFrame(),
                    p.mostHeldEventsPerSecond() < 0 ? "–" : String.format("%.0f", p.mostHeldEventsPerSecond())));
        }
        return sb.toString();
    }

    /** The JSON document: {@code points} first, then the sweep's settings. */
    public Map<String, Object> json() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (SweepPoint p : points) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sweep", p.sweep());
            m.put("value", p.value());
            m.put("eventsPerSecond", p.eventsPerSecond());
            m.put("p50Micros", p.p50Micros());
            m.put("p99Micros", p.p99Micros());
            m.put("serverCpuMicrosPerEvent", orNull(p.serverCpuMicrosPerEvent()));
            m.put("driverCpuMicrosPerEvent", orNull(p.driverCpuMicrosPerEvent()));
            m.put("rawCpuMicrosPerEvent", orNull(p.rawCpuMicrosPerEvent()));
            m.put("eventsPerFrame", p.eventsPerFrame());
            m.put("mostHeldEventsPerSecond", orNull(p.mostHeldEventsPerSecond()));
            m.put("shape", p.shape());
            list.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("points", list);
        doc.put("sweep", plan.sweep());
        doc.put("ratePerSecond", plan.ratePerSecond());
        doc.put("cores", Runtime.getRuntime().availableProcessors());
        return doc;
    }

    /** Server and raw-producer CPU µs per event against the swept value, both axes logarithmic. */
    public String svg() {
        List<double[]> server = new ArrayList<>();
        List<double[]> raw = new ArrayList<>();
        List<SvgChart.Tick> ticks = new ArrayList<>();
        for (SweepPoint p : points) {
            double x = Math.log10(p.value());
            server.add(new double[] {x, p.serverCpuMicrosPerEvent()});
            raw.add(new double[] {x, p.rawCpuMicrosPerEvent()});
            ticks.add(new SvgChart.Tick(x, String.valueOf(p.value())));
        }
        String xLabel = SweepPlan.CONNECTIONS.equals(plan.sweep()) ? "connections (log)" : "events per frame (log)";
        return new SvgChart(String.format("CPU per event, %s sweep at %.0f events/s", plan.sweep(),
                plan.ratePerSecond()), xLabel, "CPU µs per event (log)")
                .add(new SvgChart.Series("server", "#d62728", server))
                .add(new SvgChart.Series("raw producer (floor)", "#1f77b4", raw))
                .xTicks(ticks)
                .render();
    }

    private static Object orNull(double v) {
        return v < 0 || Double.isNaN(v) ? null : v;
    }

    private static String micros(double v) {
        return v < 0 ? "n/a" : String.format("%.1f", v);
    }
}
