package dev.ledger.server.admin;

import dev.ledger.proto.ClientFrameView;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The one owner of the server's metrics (names, types and labels documented in docs/OPERATIONS.md). Connections,
 * the dispatcher and the Kafka writer report into it; the {@link AdminServer} scrapes {@link #registry()}; the
 * per-minute {@link MinuteSummary} reads it back.
 *
 * <p>The hot path stays cheap: label lookups are done once and cached per label value (arrays indexed by enum
 * number), exemplars are off, and an Ack's events are counted in runs of equal (type, status), one increment per
 * run ({@link #ackWritten}). Gauges of state owned elsewhere (in-flight events, budget, circuit, connections) are callbacks read
 * at scrape time.
 *
 * <p>The connection counter is {@code ledger_connection_attempts_total}, not {@code ledger_connections_total}:
 * OpenMetrics names a counter's family without {@code _total}, so a counter {@code ledger_connections_total} and the
 * gauge {@code ledger_connections} would be one family with two types, which the Prometheus client refuses and an
 * OpenMetrics scrape (Prometheus' first choice) would reject.
 *
 * <p>Thread-safe (the Prometheus client's metrics are; the caches are benignly racy: two threads may both look
 * up the same data point, which the client returns identically).
 */
public final class ServerMetrics {

    /** Event type label of an event whose bytes did not parse as a MutationEvent. */
    public static final int UNKNOWN_TYPE = 0;

    private static final double[] LATENCY_BUCKETS_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry;
    private final Counter connectionsTotal;
    private final Counter framesReceived;
    private final Counter events;
    private final Counter connectionErrors;
    private final Histogram submitDuration;
    private final Histogram kafkaSendDuration;
    private final LongAdder readPaused = new LongAdder();

    private final CounterDataPoint[] framePoints = new CounterDataPoint[8];
    private final CounterDataPoint[] eventPoints = new CounterDataPoint[8 * 16];
    private final CounterDataPoint[] errorPoints = new CounterDataPoint[32];
    private final CounterDataPoint[] connectionPoints = new CounterDataPoint[ConnectionResult.values().length];

    /** How a connection ended up, counted once per connection in {@code ledger_connection_attempts_total{result}}. */
    public enum ConnectionResult {
        /** Hello answered with Welcome. */
        ACCEPTED,
        /** Over {@code --max-connections}. */
        REJECTED_LIMIT,
        /** TLS handshake or record failure, or a TLS client on the plaintext port. */
        HANDSHAKE_FAILED,
        /** Hello with a token or certificate that maps to no principal. */
        UNAUTHENTICATED,
        /** Hello with another protocol version. */
        UNSUPPORTED_VERSION,
        /** No Hello within the handshake timeout. */
        HANDSHAKE_TIMEOUT,
        /** A first frame other than Hello, or a malformed Hello. */
        PROTOCOL_VIOLATION,
        /** Closed by the peer before Hello (load balancer probes, port scans). */
        CLOSED_BEFORE_HELLO;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A registry of its own with the JVM's metrics. */
    public ServerMetrics() {
        this(new PrometheusRegistry(), true);
    }

    /**
     * @param registry where to register (tests use their own; production a fresh one per server)
     * @param jvm whether to add the JVM metrics (once per process: the client refuses duplicates)
     */
    public ServerMetrics(PrometheusRegistry registry, boolean jvm) {
        this.registry = registry;
        connectionsTotal = Counter.builder().name("ledger_connection_attempts_total")
                .help("Connections by how they began: accepted (Welcome sent) or why not").labelNames("result")
                .withoutExemplars().register(registry);
        framesReceived = Counter.builder().name("ledger_frames_received_total")
                .help("Frames received, by kind").labelNames("kind").withoutExemplars().register(registry);
        events = Counter.builder().name("ledger_events_total")
                .help("Events answered in an Ack, by event type and status").labelNames("type", "status")
                .withoutExemplars().register(registry);
        connectionErrors = Counter.builder().name("ledger_connection_errors_total")
                .help("Error frames sent before closing a connection, by error code").labelNames("code")
                .withoutExemplars().register(registry);
        submitDuration = Histogram.builder().name("ledger_submit_duration_seconds")
                .help("From a Submit frame received to its Ack written").classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS_SECONDS).withoutExemplars().register(registry);
        kafkaSendDuration = Histogram.builder().name("ledger_kafka_send_duration_seconds")
                .help("From a record handed to the Kafka producer to its acknowledgement (or failure); sampled: "
                        + "the first event of each Submit").classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS_SECONDS).withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("ledger_read_paused_connections")
                .help("Connections the server stopped reading (window full, Kafka budget, client not reading)")
                .callback(cb -> cb.call(readPaused.sum())).register(registry);
        if (jvm) {
            JvmMetrics.builder().register(registry);
        }
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Registers a gauge read at scrape time from state owned elsewhere (connections, budget, circuit, producer
     * metrics). Called once per name while the server starts.
     */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble()))
                .register(registry);
    }

    public void connection(ConnectionResult result) {
        CounterDataPoint p = connectionPoints[result.ordinal()];
        if (p == null) {
            p = connectionsTotal.labelValues(result.label());
            connectionPoints[result.ordinal()] = p;
        }
        p.inc();
    }

    /** One frame decoded, of this kind (the label is made once per kind, not per frame). */
    public void frameReceived(ClientFrameView.KindCase kind) {
        int i = kind.getNumber() & 7;
        CounterDataPoint p = framePoints[i];
        if (p == null) {
            p = framesReceived.labelValues(kind.name().toLowerCase(Locale.ROOT));
            framePoints[i] = p;
        }
        p.inc();
    }

    /**
     * {@code count} answered events of one type and status.
     *
     * @param type a {@link MutationEvent.BodyCase} number, or {@link #UNKNOWN_TYPE}
     */
    public void eventsAnswered(int type, Status status, long count) {
        int t = type >= MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER && type <= MutationEvent.SNAPSHOT_FIELD_NUMBER
                ? type - MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER + 1 : 0;
        int i = t * 16 + (status == Status.UNRECOGNIZED ? 15 : status.getNumber() & 15);
        CounterDataPoint p = eventPoints[i];
        if (p == null) {
            p = events.labelValues(typeLabel(type), statusLabel(status));
            eventPoints[i] = p;
        }
        p.inc(count);
    }

    public void connectionError(ErrorCode code) {
        int i = code.getNumber() & 31;
        CounterDataPoint p = errorPoints[i];
        if (p == null) {
            p = connectionErrors.labelValues(label(code.name(), "ERROR_CODE_"));
            errorPoints[i] = p;
        }
        p.inc();
    }

    /**
     * An Ack was written: its events counted by (type, status), one increment per run of equal pairs (a Submit is
     * mostly one type and one status), and the Submit's duration observed.
     *
     * @param types each event's {@link MutationEvent.BodyCase} number, or {@link #UNKNOWN_TYPE}, by index
     * @param statuses each event's {@link Status} number, in the same order
     */
    public void ackWritten(byte[] types, int[] statuses, long submitNanos) {
        int runType = -1;
        int runStatus = -1;
        long run = 0;
        for (int i = 0; i < statuses.length; i++) {
            int type = types[i];
            int status = statuses[i];
            if (type != runType || status != runStatus) {
                if (run > 0) {
                    eventsAnswered(runType, statusOf(runStatus), run);
                }
                runType = type;
                runStatus = status;
                run = 0;
            }
            run++;
        }
        if (run > 0) {
            eventsAnswered(runType, statusOf(runStatus), run);
        }
        submitAnswered(submitNanos);
    }

    /** {@link #ackWritten(byte[], int[], long)} for an Ack held as result objects. */
    public void ackWritten(byte[] types, List<EventResult> results, long submitNanos) {
        int[] statuses = new int[results.size()];
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = results.get(i).getStatusValue();
        }
        ackWritten(types, statuses, submitNanos);
    }

    private static Status statusOf(int number) {
        Status status = Status.forNumber(number);
        return status == null ? Status.UNRECOGNIZED : status;
    }

    public void submitAnswered(long nanos) {
        submitDuration.observe(nanos / 1e9);
    }

    public void kafkaSendCompleted(long nanos) {
        kafkaSendDuration.observe(nanos / 1e9);
    }

    /**
     * Registers {@code ledger_inflight_events}, read at scrape time from the count's one owner (the server's
     * in-flight tally). Called once, while the server starts.
     */
    public void inFlightEventsFrom(LongSupplier events) {
        GaugeWithCallback.builder().name("ledger_inflight_events")
                .help("Events taken in and not yet answered (awaited decisions included), all connections")
                .callback(cb -> cb.call(events.getAsLong())).register(registry);
    }

    /** The count of paused connections their {@code ReadGate}s add to and take from. */
    public LongAdder readPausedConnections() {
        return readPaused;
    }

    /** Events answered with this status so far, all types (read back by the minute summary and tests). */
    public long eventsAnswered(Status status) {
        String wanted = statusLabel(status);
        return (long) events.collect().getDataPoints().stream()
                .filter(d -> wanted.equals(d.getLabels().get("status"))).mapToDouble(d -> d.getValue()).sum();
    }

    /** Events answered so far by status label (read back by the minute summary). */
    public java.util.Map<String, Long> eventsByStatus() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        events.collect().getDataPoints().forEach(d -> out.merge(d.getLabels().get("status"),
                (long) d.getValue(), Long::sum));
        return out;
    }

    /** Connection errors so far by code label (read back by the minute summary). */
    public java.util.Map<String, Long> connectionErrorsByCode() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        connectionErrors.collect().getDataPoints().forEach(d -> out.put(d.getLabels().get("code"),
                (long) d.getValue()));
        return out;
    }

    /** The submit-duration histogram's buckets so far: cumulative counts per upper bound. */
    public io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets submitBuckets() {
        return submitDuration.collect().getDataPoints().get(0).getClassicBuckets();
    }

    static String typeLabel(int type) {
        MutationEvent.BodyCase c = type == UNKNOWN_TYPE ? null : MutationEvent.BodyCase.forNumber(type);
        return c == null || c == MutationEvent.BodyCase.BODY_NOT_SET ? "unknown" : c.name().toLowerCase(Locale.ROOT);
    }

    static String statusLabel(Status status) {
        return status == Status.UNRECOGNIZED ? "unknown" : label(status.name(), "STATUS_");
    }

    private static String label(String enumName, String prefix) {
        return (enumName.startsWith(prefix) ? enumName.substring(prefix.length()) : enumName).toLowerCase(Locale.ROOT);
    }
}
