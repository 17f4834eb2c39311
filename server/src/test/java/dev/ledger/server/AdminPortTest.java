package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.core.admin.CoreMetrics;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.proto.Submit;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.AdminHttp;
import dev.ledger.server.kafka.KafkaCircuit;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The admin port of a real server on a real broker: metrics agree with what clients were answered, /readyz follows
 * Kafka and the drain while /livez stays 200. Ordered: the outage and the drain come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminPortTest {

    private static EmbeddedKafka kafka;
    private static LedgerServer server;
    private static int admin;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSingleNode();
        admin = AdminHttp.freePort();
        server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true).bindAddress("127.0.0.1").port(0).topic("ledger.admin")
                .decisionsTopic("ledger.admin.decisions").decisionTimeoutMs(4000)
                .ackTimeoutMs(1500).adminPort(admin).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void metricsCountWhatClientsWereAnswered() throws Exception {
        await(() -> AdminHttp.get(admin, "/readyz").status() == 200, Duration.ofSeconds(20));
        int accepted = 0;
        int invalid = 0;
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "metrics")) {
            for (long id = 1; id <= 20; id++) {
                List<MutationEvent> events = new ArrayList<>(TestEvents.transfers("m" + id + "-", 5));
                events.add(TestEvents.topUp("acct-" + id, 10));
                events.add(MutationEvent.newBuilder().setEventId("bad-" + id).build()); // no body: INVALID
                for (var r : c.submitAndAwait(id, events).getResultsList()) {
                    accepted += r.getStatus() == Status.STATUS_ACCEPTED ? 1 : 0;
                    invalid += r.getStatus() == Status.STATUS_INVALID ? 1 : 0;
                }
            }
        }
        try (RawFrameClient bad = RawFrameClient.connect(server.port())) {
            bad.submit(1, List.of(TestEvents.topUp("x", 1))); // before Hello
            assertThat(bad.awaitError(Duration.ofSeconds(5))).isEqualTo(ErrorCode.ERROR_CODE_HELLO_REQUIRED);
        }
        assertThat(accepted).isEqualTo(120);
        assertThat(invalid).isEqualTo(20);

        String text = AdminHttp.get(admin, "/metrics").body();
        assertThat(AdminHttp.sample(text, "ledger_events_total", Map.of("status", "accepted"))).isEqualTo(accepted);
        assertThat(AdminHttp.sample(text, "ledger_events_total", Map.of("type", "transfer", "status", "accepted")))
                .isEqualTo(100);
        assertThat(AdminHttp.sample(text, "ledger_events_total", Map.of("type", "top_up", "status", "accepted")))
                .isEqualTo(20);
        assertThat(AdminHttp.sample(text, "ledger_events_total", Map.of("type", "unknown", "status", "invalid")))
                .isEqualTo(invalid);
        assertThat(AdminHttp.sample(text, "ledger_frames_received_total", Map.of("kind", "submit"))).isEqualTo(21);
        assertThat(AdminHttp.sample(text, "ledger_frames_received_total", Map.of("kind", "hello"))).isEqualTo(1);
        assertThat(AdminHttp.sample(text, "ledger_submit_duration_seconds_count", Map.of())).isEqualTo(20);
        assertThat(AdminHttp.sample(text, "ledger_kafka_send_duration_seconds_count", Map.of()))
                .as("one sample per Submit: its first event").isEqualTo(20);
        assertThat(AdminHttp.sample(text, "ledger_connection_attempts_total", Map.of("result", "accepted"))).isEqualTo(1);
        assertThat(AdminHttp.sample(text, "ledger_connection_attempts_total", Map.of("result", "protocol_violation")))
                .isEqualTo(1);
        assertThat(AdminHttp.sample(text, "ledger_connection_errors_total", Map.of("code", "hello_required")))
                .isEqualTo(1);
        assertThat(AdminHttp.sample(text, "ledger_inflight_events", Map.of())).isZero();
        assertThat(AdminHttp.sample(text, "ledger_circuit_open", Map.of())).isZero();
        assertThat(text).contains("ledger_connections ", "ledger_kafka_budget_used_bytes ",
                "ledger_read_paused_connections ", "jvm_memory_used_bytes", "ledger_kafka_producer_record_send_rate ",
                "ledger_kafka_producer_request_latency_avg_seconds ");
        assertThat(AdminHttp.sample(text, "ledger_kafka_producer_buffer_available_bytes", Map.of())).isPositive();

        AdminHttp.Response open = AdminHttp.get(admin, "/metrics", "application/openmetrics-text; version=1.0.0");
        assertThat(open.contentType()).startsWith("application/openmetrics-text");
        assertThat(open.body()).contains("# EOF");
        assertThat(AdminHttp.get(admin, "/nope").status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void theDashboardQueriesOnlyMetricsTheServerAndCoreExport() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("../docs/grafana/ledger.json")));
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.has("targets")) {
                panel.get("targets").forEach(t -> queries.add(t.get("expr").asText()));
            }
        }
        dashboard.get("templating").get("list").forEach(v -> {
            if (v.get("type").asText().equals("query")) {
                queries.add(v.get("query").asText());
            }
        });
        assertThat(queries).hasSizeGreaterThan(20);
        Set<String> exported = new TreeSet<>(sampleNames(server.metrics().registry()));
        exported.addAll(sampleNames(new CoreMetrics().registry()));
        exported.add("up"); // Prometheus' own, per scraped target
        Set<String> queried = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(ledger_[a-z0-9_]+|jvm_[a-z0-9_]+|up)\\b").matcher(String.join("\n", queries));
        while (m.find()) {
            queried.add(m.group(1));
        }
        assertThat(queried).contains("ledger_events_total", "ledger_submit_duration_seconds_bucket",
                "ledger_inflight_events", "ledger_kafka_budget_used_bytes", "ledger_connections", "ledger_circuit_open",
                "ledger_connection_errors_total");
        assertThat(exported).containsAll(queried);
    }

    /** The sample names a registry can export, from each family's type (labelled families may have no sample yet). */
    private static Set<String> sampleNames(PrometheusRegistry registry) {
        Set<String> out = new TreeSet<>();
        for (MetricSnapshot s : registry.scrape()) {
            String n = s.getMetadata().getPrometheusName();
            if (s instanceof CounterSnapshot) {
                out.add(n + "_total");
            } else if (s instanceof HistogramSnapshot || s instanceof SummarySnapshot) {
                out.addAll(List.of(n + "_bucket", n + "_count", n + "_sum", n));
            } else if (s instanceof InfoSnapshot) {
                out.add(n + "_info");
            } else {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    @Order(3)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anOpenCircuitDoesNotKeepAServerWithoutTrafficUnreadyOnceKafkaAnswers() throws Exception {
        await(() -> AdminHttp.get(admin, "/readyz").status() == 200, Duration.ofSeconds(30));
        // Failures whose records are gone (an outage longer than the delivery timeout): only a send closes the
        // circuit, and a server that is not ready gets no new clients from its load balancer.
        KafkaCircuit circuit = server.context().writer().circuit();
        for (int i = 0; i < 3; i++) {
            circuit.onFailure("records expired in the producer's buffer");
        }
        assertThat(circuit.isOpen()).isTrue();
        AdminHttp.Response open = AdminHttp.get(admin, "/readyz");
        assertThat(open.status()).isEqualTo(503);
        assertThat(open.body()).contains("circuit open");
        // Kafka answers the reachability probe: ready again, with no traffic at all.
        await(() -> AdminHttp.get(admin, "/readyz").status() == 200, Duration.ofSeconds(20));
        assertThat(circuit.isOpen()).as("still open: nothing was sent").isTrue();
        // The first event is the circuit's probe; it closes the circuit.
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "after-circuit")) {
            assertThat(c.submitAndAwait(1, List.of(TestEvents.topUp("after-circuit", 1))).getResults(0).getStatus())
                    .isEqualTo(Status.STATUS_ACCEPTED);
        }
        assertThat(circuit.isOpen()).isFalse();
    }

    @Test
    @Order(4)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readyFollowsKafkaWhileLiveStaysUp() throws Exception {
        await(() -> AdminHttp.get(admin, "/readyz").status() == 200, Duration.ofSeconds(20));
        assertThat(AdminHttp.get(admin, "/livez").status()).isEqualTo(200);
        kafka.stopAllBrokers();
        try {
            await(() -> AdminHttp.get(admin, "/readyz").status() == 503, Duration.ofSeconds(20));
            AdminHttp.Response down = AdminHttp.get(admin, "/readyz");
            assertThat(down.body()).contains("\"ready\":false").contains("Kafka");
            assertThat(AdminHttp.get(admin, "/livez").status()).isEqualTo(200);
        } finally {
            kafka.startAllBrokers();
        }
        await(() -> AdminHttp.get(admin, "/readyz").status() == 200, Duration.ofSeconds(60));
        assertThat(AdminHttp.get(admin, "/livez").status()).isEqualTo(200);
    }

    @Test
    @Order(5)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void drainTurnsReadyOffBeforeTheGoAwayWhileLiveStaysUp() throws Exception {
        await(() -> AdminHttp.get(admin, "/readyz").status() == 200, Duration.ofSeconds(30));
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "drain")) {
            // No core runs: this Submit waits for its decision until the decision timeout, holding the drain open.
            c.send(ClientFrame.newBuilder().setSubmit(Submit.newBuilder().setRequestId(1).setAwaitDecision(true)
                    .addEvents(TestEvents.topUp("d1", 1))).build());
            Ack ack = c.read().getAck();
            assertThat(ack.getResults(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
            CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> server.shutdownGracefully(Duration.ofSeconds(10)));
            assertThat(c.read().hasGoAway()).isTrue();
            // The GoAway came after /readyz turned 503, and the admin port stays up until the drain ends.
            AdminHttp.Response ready = AdminHttp.get(admin, "/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body()).contains("draining");
            assertThat(AdminHttp.get(admin, "/livez").status()).isEqualTo(200);
            drain.get(30, TimeUnit.SECONDS);
        }
        assertThat(AdminHttp.get(admin, "/livez").status()).as("closed with the server").isEqualTo(-1);
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within " + timeout).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
