package dev.ledger.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CoreMetricsTest {

    private static Map<String, Double> lagByInput(CoreMetrics metrics) {
        Map<String, Double> out = new TreeMap<>();
        for (MetricSnapshot s : metrics.registry().scrape()) {
            if (s.getMetadata().getPrometheusName().equals("ledger_core_consumer_lag_records")) {
                for (GaugeSnapshot.GaugeDataPointSnapshot d : ((GaugeSnapshot) s).getDataPoints()) {
                    out.put(d.getLabels().get("input"), d.getValue());
                }
            }
        }
        return out;
    }

    @Test
    void lagShowsOnlyTheInputTheCoreReadsNow() {
        CoreMetrics metrics = new CoreMetrics();
        metrics.lag("mutations", 500);
        assertThat(lagByInput(metrics)).containsExactly(Map.entry("mutations", 500.0));
        // Demoted: it tails the journal; the mutations' last lag must not stay behind as a stale series.
        metrics.lag("journal", 3);
        assertThat(lagByInput(metrics)).containsExactly(Map.entry("journal", 3.0));
        metrics.lag("mutations", 0);
        assertThat(lagByInput(metrics)).containsExactly(Map.entry("mutations", 0.0));
    }
}
