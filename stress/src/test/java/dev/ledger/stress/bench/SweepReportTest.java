package dev.ledger.stress.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.stress.report.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepReportTest {

    private static final SweepPlan PLAN = SweepPlan.of("connections", List.of(1, 100), 0, 2, 512, Duration.ofMillis(1));

    private static SweepReport report() {
        return new SweepReport(PLAN, List.of(
                new SweepPoint("connections", 1, 19_990.5, 2_100, 9_800, 4.2, 6.0, 2.5, 40.2, 120_000,
                        "1 lanes x 1 conn, batch 512, linger 1ms"),
                new SweepPoint("connections", 100, 19_500, 3_000, 66_000, 73.1, 20.0, 2.6, 1.1, 30_000,
                        "10 lanes x 10 conn, batch 512, linger 1ms")));
    }

    @Test
    void jsonListsEveryPointWithItsFiguresUnderPoints() {
        String json = Json.encode(report().json());

        assertThat(json.indexOf("\"points\"")).isLessThan(json.indexOf("\"ratePerSecond\""));
        assertThat(json).contains("\"sweep\": \"connections\"", "\"value\": 100", "\"eventsPerSecond\": 19500.000",
                "\"p50Micros\": 3000", "\"p99Micros\": 66000", "\"serverCpuMicrosPerEvent\": 73.100",
                "\"driverCpuMicrosPerEvent\": 20.000", "\"rawCpuMicrosPerEvent\": 2.600",
                "\"mostHeldEventsPerSecond\": 30000.000");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> points = (List<Map<String, Object>>) report().json().get("points");
        assertThat(points).hasSize(2);
        assertThat(points.get(0)).containsKeys("sweep", "value", "eventsPerSecond", "p50Micros", "p99Micros",
                "serverCpuMicrosPerEvent", "driverCpuMicrosPerEvent", "rawCpuMicrosPerEvent");
    }

    @Test
    void unknownCpuIsNullInJsonAndNaInTheTable() {
        SweepReport r = new SweepReport(PLAN, List.of(new SweepPoint("connections", 1, 100, 1, 2, -1, 3.0, 2.0, 1.0,
                -1, "1 lanes x 1 conn, batch 512, linger 1ms")));

        assertThat(Json.encode(r.json())).contains("\"serverCpuMicrosPerEvent\": null",
                "\"mostHeldEventsPerSecond\": null");
        assertThat(r.table()).contains("| n/a |");
    }

    @Test
    void tableHasOneRowPerPointWithTheServerToRawRatio() {
        String table = report().table();

        assertThat(table.lines().filter(l -> l.startsWith("| 1 ") || l.startsWith("| 100 "))).hasSize(2);
        assertThat(table).contains("| 73.1 | 20.0 | 2.6 | 28.12 |", "| 19500 |", "| 66.00 |", "| 30000 |");
    }

    @Test
    void svgPlotsServerAndRawCpuAgainstEachSweptValue() {
        String svg = report().svg();

        assertThat(svg).startsWith("<svg").contains("</svg>", "server", "raw producer (floor)",
                "connections (log)", ">1</text>", ">100</text>");
        String[] lines = svg.split("<polyline");
        assertThat(lines).hasSize(3); // the chart and two lines
        for (int i = 1; i < lines.length; i++) {
            String pts = lines[i].substring(lines[i].indexOf("points=\"") + 8, lines[i].indexOf("\"/>"));
            assertThat(pts.trim().split(" ")).as("one vertex per point").hasSize(2);
        }
    }
}
