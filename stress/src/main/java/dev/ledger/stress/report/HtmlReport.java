package dev.ledger.stress.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Renders a {@link RunReport} as one self-contained HTML page: a summary table, latency over time (per-second
 * p50, p99, max) and the percentile distribution, both as inline SVG. Stateless and thread-safe.
 */
final class HtmlReport {

    private HtmlReport() {
    }

    static String render(RunReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(r.name())).append(" report</title>\n<style>body{font-family:sans-serif;margin:2em}"
                + "td,th{padding:2px 10px;text-align:left}</style></head><body>\n");
        sb.append("<h1>").append(escape(r.name())).append(" — ").append(escape(r.mode())).append("</h1>\n");
        sb.append("<table>\n");
        row(sb, "duration", String.format("%.2f s", r.durationNanos() / 1e9));
        row(sb, "sent", String.valueOf(r.sent()));
        row(sb, "acked", String.valueOf(r.acked()));
        for (Map.Entry<String, Long> e : r.outcomes().entrySet()) {
            if (!"ACCEPTED".equals(e.getKey())) {
                row(sb, "failed " + e.getKey(), String.valueOf(e.getValue()));
            }
        }
        row(sb, "throughput", String.format("%.0f events/s", r.throughputPerSecond()));
        row(sb, "latency", r.latency().format());
        r.extra().forEach((k, v) -> row(sb, k, String.valueOf(v)));
        sb.append("</table>\n");
        sb.append(overTime(r)).append(percentiles(r));
        sb.append("<p>Latency is measured from each event's intended send time in open-loop runs, so stalls "
                + "are not hidden by coordinated omission.</p>\n</body></html>\n");
        return sb.toString();
    }

    private static String overTime(RunReport r) {
        List<double[]> p50 = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        List<double[]> max = new ArrayList<>();
        for (IntervalSample s : r.intervals()) {
            if (s.completed() > 0) {
                p50.add(new double[] {s.elapsedSeconds(), s.p50Micros() / 1000.0});
                p99.add(new double[] {s.elapsedSeconds(), s.p99Micros() / 1000.0});
                max.add(new double[] {s.elapsedSeconds(), s.maxMicros() / 1000.0});
            }
        }
        return new SvgChart("Latency over time (per second)", "elapsed seconds", "latency ms (log)")
                .add(new SvgChart.Series("p50", "#1f77b4", p50))
                .add(new SvgChart.Series("p99", "#ff7f0e", p99))
                .add(new SvgChart.Series("max", "#d62728", max))
                .render();
    }

    private static String percentiles(RunReport r) {
        List<double[]> pts = new ArrayList<>();
        if (r.histogram() != null && r.histogram().getTotalCount() > 0) {
            for (HistogramIterationValue v : r.histogram().percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                if (p >= 1.0) {
                    break;
                }
                pts.add(new double[] {Math.log10(1 / (1 - p)), v.getValueIteratedTo() / 1000.0});
            }
            double last = pts.isEmpty() ? 0 : pts.get(pts.size() - 1)[0];
            pts.add(new double[] {Math.max(last, 6), r.histogram().getMaxValue() / 1000.0});
        }
        List<SvgChart.Tick> ticks = List.of(new SvgChart.Tick(0, "0%"), new SvgChart.Tick(1, "90%"),
                new SvgChart.Tick(2, "99%"), new SvgChart.Tick(3, "99.9%"), new SvgChart.Tick(4, "99.99%"),
                new SvgChart.Tick(5, "99.999%"), new SvgChart.Tick(6, "max"));
        return new SvgChart("Latency by percentile", "percentile", "latency ms (log)")
                .add(new SvgChart.Series("latency", "#2ca02c", pts))
                .xTicks(ticks)
                .render();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v)).append("</td></tr>\n");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
