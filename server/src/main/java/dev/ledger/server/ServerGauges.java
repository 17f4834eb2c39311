package dev.ledger.server;

import dev.ledger.server.admin.ServerMetrics;
import dev.ledger.server.kafka.ProducerSlot;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The gauges read at scrape time from state other classes own: the connection count ({@link ServerContext}), the
 * Kafka byte budget, the circuit, and five of the Kafka producer's own metrics, bridged under {@code
 * ledger_kafka_producer_*} in base units (seconds, bytes). Registered once per server, at start.
 */
final class ServerGauges {

    /** Kafka producer metric (group {@code producer-metrics}) → our name, help and the factor to base units. */
    private record Bridged(String kafkaName, String name, String help, double factor) {
    }

    private static final Bridged[] PRODUCER = {
        new Bridged("record-send-rate", "ledger_kafka_producer_record_send_rate",
                "Kafka producer: records sent per second (its own windowed rate)", 1),
        new Bridged("record-error-rate", "ledger_kafka_producer_record_error_rate",
                "Kafka producer: record sends per second that ended in an error", 1),
        new Bridged("request-latency-avg", "ledger_kafka_producer_request_latency_avg_seconds",
                "Kafka producer: average produce request latency", 0.001),
        new Bridged("buffer-available-bytes", "ledger_kafka_producer_buffer_available_bytes",
                "Kafka producer: unused bytes of buffer.memory", 1),
        new Bridged("batch-size-avg", "ledger_kafka_producer_batch_size_avg_bytes",
                "Kafka producer: average bytes per partition batch", 1),
    };

    private ServerGauges() {
    }

    static void register(ServerMetrics metrics, ServerContext context) {
        metrics.gauge("ledger_connections", "Open client connections", () -> context.connections().get());
        metrics.gauge("ledger_kafka_budget_used_bytes", "Bytes of events in flight to Kafka (the byte budget in use)",
                () -> context.writer().budget().usedBytes());
        metrics.gauge("ledger_circuit_open", "1 while the Kafka circuit refuses sends (open or half-open), else 0",
                () -> context.writer().circuit().isOpen() ? 1 : 0);
        ProducerSlot producers = context.writer().producers();
        for (Bridged b : PRODUCER) {
            metrics.gauge(b.name(), b.help(), () -> producerMetric(producers, b.kafkaName()) * b.factor());
        }
    }

    /** The current producer's value of one {@code producer-metrics} metric; NaN when it has none (yet). */
    static double producerMetric(ProducerSlot producers, String name) {
        Map<MetricName, ? extends Metric> all;
        try {
            all = producers.current().metrics();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
        for (Map.Entry<MetricName, ? extends Metric> e : all.entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals(name) && n.group().equals("producer-metrics")
                    && e.getValue().metricValue() instanceof Number v) {
                return v.doubleValue();
            }
        }
        return Double.NaN;
    }
}
