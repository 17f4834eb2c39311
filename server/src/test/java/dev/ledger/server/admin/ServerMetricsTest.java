package dev.ledger.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.server.admin.ServerMetrics.ConnectionResult;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics owner on plain objects: labels, cached data points and the minute summary's arithmetic. */
class ServerMetricsTest {

    private final ServerMetrics metrics = new ServerMetrics(new PrometheusRegistry(), false);

    private String text() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eventsAreCountedByTypeAndStatusLabels() throws IOException {
        metrics.eventsAnswered(MutationEvent.TRANSFER_FIELD_NUMBER, Status.STATUS_ACCEPTED, 3);
        metrics.eventsAnswered(MutationEvent.TRANSFER_FIELD_NUMBER, Status.STATUS_ACCEPTED, 2);
        metrics.eventsAnswered(MutationEvent.SNAPSHOT_FIELD_NUMBER, Status.STATUS_UNAVAILABLE, 1);
        metrics.eventsAnswered(MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER, Status.STATUS_PERMISSION_DENIED, 4);
        metrics.eventsAnswered(ServerMetrics.UNKNOWN_TYPE, Status.STATUS_INVALID, 7);
        String t = text();
        assertThat(t).contains("ledger_events_total{status=\"accepted\",type=\"transfer\"} 5.0")
                .contains("ledger_events_total{status=\"unavailable\",type=\"snapshot\"} 1.0")
                .contains("ledger_events_total{status=\"permission_denied\",type=\"create_account\"} 4.0")
                .contains("ledger_events_total{status=\"invalid\",type=\"unknown\"} 7.0");
        assertThat(metrics.eventsAnswered(Status.STATUS_ACCEPTED)).isEqualTo(5);
        assertThat(metrics.eventsByStatus()).containsExactlyInAnyOrderEntriesOf(
                Map.of("accepted", 5L, "unavailable", 1L, "permission_denied", 4L, "invalid", 7L));
    }

    @Test
    void anAckIsCountedByRunsOfTypeAndStatusWithItsDuration() throws IOException {
        byte[] types = {MutationEvent.TRANSFER_FIELD_NUMBER, MutationEvent.TRANSFER_FIELD_NUMBER,
            MutationEvent.TOP_UP_FIELD_NUMBER, MutationEvent.TRANSFER_FIELD_NUMBER, ServerMetrics.UNKNOWN_TYPE};
        Status[] statuses = {Status.STATUS_ACCEPTED, Status.STATUS_ACCEPTED, Status.STATUS_ACCEPTED,
            Status.STATUS_OVERLOADED, Status.STATUS_INVALID};
        java.util.List<dev.ledger.proto.EventResult> results = new java.util.ArrayList<>();
        for (Status s : statuses) {
            results.add(dev.ledger.proto.EventResult.newBuilder().setStatus(s).build());
        }
        metrics.ackWritten(types, results, 3_000_000);
        String t = text();
        assertThat(t).contains("ledger_events_total{status=\"accepted\",type=\"transfer\"} 2.0")
                .contains("ledger_events_total{status=\"accepted\",type=\"top_up\"} 1.0")
                .contains("ledger_events_total{status=\"overloaded\",type=\"transfer\"} 1.0")
                .contains("ledger_events_total{status=\"invalid\",type=\"unknown\"} 1.0")
                .contains("ledger_submit_duration_seconds_count 1").contains("ledger_submit_duration_seconds_sum 0.003");
    }

    @Test
    void connectionsFramesAndErrorsCarryTheirLabels() throws IOException {
        metrics.connection(ConnectionResult.ACCEPTED);
        metrics.connection(ConnectionResult.ACCEPTED);
        metrics.connection(ConnectionResult.REJECTED_LIMIT);
        metrics.frameReceived(dev.ledger.proto.ClientFrameView.KindCase.SUBMIT);
        metrics.connectionError(ErrorCode.ERROR_CODE_IDLE_TIMEOUT);
        String t = text();
        assertThat(t).contains("ledger_connection_attempts_total{result=\"accepted\"} 2.0")
                .contains("ledger_connection_attempts_total{result=\"rejected_limit\"} 1.0")
                .contains("ledger_frames_received_total{kind=\"submit\"} 1.0")
                .contains("ledger_connection_errors_total{code=\"idle_timeout\"} 1.0");
        assertThat(metrics.connectionErrorsByCode()).containsEntry("idle_timeout", 1L);
    }

    @Test
    void theMinuteSummaryReportsOnlyItsOwnPeriod() {
        MinuteSummary summary = new MinuteSummary(metrics, () -> 3);
        metrics.eventsAnswered(MutationEvent.TOP_UP_FIELD_NUMBER, Status.STATUS_ACCEPTED, 100);
        for (int i = 0; i < 99; i++) {
            metrics.submitAnswered(2_000_000); // 2 ms: bucket <= 2.5 ms
        }
        metrics.submitAnswered(40_000_000); // 40 ms: bucket <= 50 ms, the 100th of 100
        String first = summary.line();
        assertThat(first).contains("{accepted=100}").contains("submit p99 <= 2 ms").contains("connections 3");

        metrics.eventsAnswered(MutationEvent.TOP_UP_FIELD_NUMBER, Status.STATUS_OVERLOADED, 5);
        metrics.connectionError(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION);
        metrics.submitAnswered(40_000_000);
        String second = summary.line();
        assertThat(second).contains("{overloaded=5}").doesNotContain("accepted")
                .contains("{protocol_violation=1}").contains("submit p99 <= 50 ms");

        assertThat(summary.line()).contains("0.0 events/s").contains("submit p99 n/a");
    }
}
