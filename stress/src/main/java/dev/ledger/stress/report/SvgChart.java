package dev.ledger.stress.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws a line chart as an inline SVG string, with a logarithmic y axis (latencies and CPU costs span decades).
 * No scripts, no external references. Used by the HTML report and by {@code bench --sweep}. Not thread-safe;
 * build, render, discard.
 */
public final class SvgChart {

    /** One line: its name, colour and points (x, y); y must be positive to show on the log axis. */
    public record Series(String name, String color, List<double[]> points) {
    }

    /** A tick on the x axis: where, and what to print. */
    public record Tick(double x, String label) {
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 50;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private List<Tick> xTicks = List.of();

    public SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public SvgChart add(Series s) {
        series.add(s);
        return this;
    }

    public SvgChart xTicks(List<Tick> ticks) {
        this.xTicks = ticks;
        return this;
    }

    public String render() {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 1e-3;
        double minY = Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                if (p[1] > 0) {
                    maxY = Math.max(maxY, p[1]);
                    minY = Math.min(minY, p[1]);
                }
            }
        }
        if (minX > maxX) {
            minX = 0;
            maxX = 1;
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        double lo = Math.floor(Math.log10(minY == Double.MAX_VALUE ? 1e-3 : minY));
        double hi = Math.ceil(Math.log10(maxY));
        if (hi <= lo) {
            hi = lo + 1;
        }
        Scale sc = new Scale(minX, maxX, lo, hi);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
        sb.append(String.format("<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                LEFT, HtmlReport.escape(title)));
        axes(sb, sc, lo, hi);
        int legendX = LEFT + 10;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.points()) {
                if (p[1] > 0) {
                    pts.append(String.format("%.1f,%.1f ", sc.x(p[0]), sc.y(p[1])));
                }
            }
            sb.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
                    s.color(), pts.toString().trim()));
            sb.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", legendX, TOP + 8, s.color(), legendX + 16, TOP + 12,
                    HtmlReport.escape(s.name())));
            legendX += 30 + 8 * s.name().length();
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private void axes(StringBuilder sb, Scale sc, double lo, double hi) {
        int x0 = LEFT;
        int y0 = HEIGHT - BOTTOM;
        sb.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                x0, y0, WIDTH - RIGHT, y0));
        sb.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                x0, TOP, x0, y0));
        for (int e = (int) lo; e <= (int) hi; e++) {
            double v = Math.pow(10, e);
            double y = sc.y(v);
            sb.append(String.format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    x0, y, WIDTH - RIGHT, y, x0 - 6, y + 4, trim(v)));
        }
        List<Tick> ticks = xTicks.isEmpty() ? defaultTicks(sc) : xTicks;
        for (Tick t : ticks) {
            double x = sc.x(t.x());
            sb.append(String.format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, TOP, x, y0, x, y0 + 16, HtmlReport.escape(t.label())));
        }
        sb.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 10, HtmlReport.escape(xLabel)));
        sb.append(String.format("<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">"
                + "%s</text>%n", (TOP + y0) / 2, (TOP + y0) / 2, HtmlReport.escape(yLabel)));
    }

    private static List<Tick> defaultTicks(Scale sc) {
        List<Tick> ticks = new ArrayList<>();
        double span = sc.maxX - sc.minX;
        double step = Math.pow(10, Math.floor(Math.log10(span)));
        if (span / step < 4) {
            step /= 2;
        }
        for (double x = Math.ceil(sc.minX / step) * step; x <= sc.maxX; x += step) {
            ticks.add(new Tick(x, trim(x)));
        }
        return ticks;
    }

    private static String trim(double v) {
        if (v >= 1 && v == Math.rint(v)) {
            return String.valueOf((long) v);
        }
        return String.format("%.3g", v);
    }

    private record Scale(double minX, double maxX, double lo, double hi) {
        double x(double v) {
            return LEFT + (v - minX) / (maxX - minX) * (WIDTH - LEFT - RIGHT);
        }

        double y(double v) {
            double l = Math.log10(Math.max(v, Math.pow(10, lo)));
            return HEIGHT - BOTTOM - (l - lo) / (hi - lo) * (HEIGHT - TOP - BOTTOM);
        }
    }
}
