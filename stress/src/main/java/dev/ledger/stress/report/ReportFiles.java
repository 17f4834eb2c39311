package dev.ledger.stress.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * Writes a {@link RunReport} to the files the {@code run} command offers: JSON, HdrHistogram's {@code .hgrm}
 * percentile distribution (milliseconds), and a self-contained HTML page. Stateless and thread-safe.
 */
public final class ReportFiles {

    private ReportFiles() {
    }

    /** Writes the report (without the raw histogram) as JSON. */
    public static void writeJson(Path file, Object report) throws IOException {
        Files.writeString(file, Json.encode(report), StandardCharsets.UTF_8);
    }

    /** Writes HdrHistogram's percentile distribution, values in milliseconds, for its plotter. */
    public static void writeHgrm(Path file, Histogram histogramMicros) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            histogramMicros.outputPercentileDistribution(out, 5, 1000.0);
        }
    }

    /** Writes the self-contained HTML page: latency over time and the percentile plot as inline SVG. */
    public static void writeHtml(Path file, RunReport report) throws IOException {
        Files.writeString(file, HtmlReport.render(report), StandardCharsets.UTF_8);
    }
}
