package dev.ledger.jmh;

import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Status;
import dev.ledger.server.admin.ServerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the server's metrics cost per Submit of {@code events} events: per Submit, two clock reads around the first
 * event's Kafka send and its send-duration observation, then {@link ServerMetrics#ackWritten} (the Ack's events
 * counted in runs of equal type and status, the Submit's duration observed): the server's own code, not a copy. {@code baseline} is the loop over the
 * events with no metrics; the difference divided by {@code events} is the metrics' cost per event, to set against
 * the server's whole CPU per event that {@code ledger-stress bench} reports.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ServerMetricsBenchmark {

    @Param({"1", "20", "360"})
    int events;

    private ServerMetrics metrics;
    private byte[] types;
    private List<EventResult> results;
    private long sink;

    @Setup
    public void setUp() {
        metrics = new ServerMetrics(new PrometheusRegistry(), false);
        types = new byte[events];
        results = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            types[i] = (byte) (i % 10 == 9 ? MutationEvent.TOP_UP_FIELD_NUMBER : MutationEvent.TRANSFER_FIELD_NUMBER);
            results.add(EventResult.newBuilder().setEventId("e" + i).setStatus(Status.STATUS_ACCEPTED).build());
        }
    }

    /** What the server does for the metrics per Submit: the sampled Kafka send and the Ack's counts. */
    @Benchmark
    public long withMetrics() {
        long received = System.nanoTime();
        long start = System.nanoTime();
        metrics.kafkaSendCompleted(System.nanoTime() - start);
        metrics.ackWritten(types, results, System.nanoTime() - received);
        return received;
    }

    /** The same walk over the Ack's results, without metrics. */
    @Benchmark
    public long baseline() {
        long sum = 0;
        for (int i = 0; i < events; i++) {
            sum += types[i] + results.get(i).getStatus().getNumber();
        }
        sink = sum;
        return sum;
    }
}
