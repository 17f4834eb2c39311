package dev.ledger.stress.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {

    private static RunReport sample() {
        LatencyRecorder rec = new LatencyRecorder();
        for (int s = 0; s < 3; s++) {
            for (int i = 1; i <= 1000; i++) {
                rec.recordNanos(i * 10_000L);
            }
            rec.recordError();
            rec.closeInterval(s + 1, 1_000_000_000L);
        }
        return new RunReport("run", "open-loop 1000/s", 3_000_000_000L, 3003, 3000,
                Map.of("ACCEPTED", 3000L, "LedgerTimeoutException", 3L), LatencySummary.of(rec.total()),
                rec.intervals(), rec.total(), Map.of("sdkFramesSent", 30L));
    }

    @Test
    void jsonCarriesCountsPercentilesAndIntervals(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.json");
        ReportFiles.writeJson(f, sample());
        String json = Files.readString(f);
        assertThat(json).contains("\"acked\": 3000", "\"p99Micros\"", "\"LedgerTimeoutException\": 3",
                "\"intervals\"", "\"throughputPerSecond\": 1000.000");
    }

    @Test
    void htmlIsSelfContainedWithBothCharts(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.html");
        ReportFiles.writeHtml(f, sample());
        String html = Files.readString(f);
        assertThat(html).contains("Latency over time", "Latency by percentile", "<polyline");
        assertThat(html).doesNotContain("<script src", "<link", "https://");
    }

    @Test
    void hgrmIsHdrHistogramPercentileOutput(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.hgrm");
        ReportFiles.writeHgrm(f, sample().histogram());
        assertThat(Files.readString(f)).contains("Value     Percentile TotalCount", "#[Max");
    }
}
