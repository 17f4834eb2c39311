package dev.ledger.stress.bench;

import dev.ledger.stress.load.ClientOptions;
import dev.ledger.stress.load.LoadDriver;
import dev.ledger.stress.load.LoadSettings;
import dev.ledger.stress.load.Mix;
import dev.ledger.stress.report.RunReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link SweepPlan} against a server the bench started (or external ones): for each point, the raw producer
 * at the point's rate (its CPU per event is the floor), the SDK → server → Kafka path with the point's shape at the
 * same rate, and for the connections sweep a closed-loop probe of the same shape (the most it holds: as fast as
 * {@code --window} events in flight allow, for {@code --duration}). Warm-up before each measured part is
 * {@code --warmup}. CPU per event counts only the measured parts. Not thread-safe; one run per instance.
 */
final class SweepBench {

    private final BenchSettings s;
    private final SweepPlan plan;

    SweepBench(BenchSettings settings, SweepPlan plan) {
        this.s = settings;
        this.plan = plan;
    }

    /**
     * @param server the server process, for its CPU time; {@code null} for external servers (CPU then -1)
     * @return the points, in plan order
     */
    SweepReport run(String bootstrap, List<String> targets, ChildProcess server) throws InterruptedException {
        List<SweepPoint> points = new ArrayList<>();
        for (SweepPlan.Shape shape : plan.points()) {
            System.out.printf("%n--- sweep %s = %d (%s) at %.0f/s ---%n", plan.sweep(), shape.value(),
                    shape.describe(), plan.ratePerSecond());
            double raw = raw(bootstrap);
            long[] cpu = new long[2];
            RunReport tcp = tcp(targets, shape, plan.ratePerSecond(), server, cpu, "sweep-" + shape.value());
            double mostHeld = -1;
            if (SweepPlan.CONNECTIONS.equals(plan.sweep())) {
                mostHeld = tcp(targets, shape, 0, null, new long[2], "probe-" + shape.value()).throughputPerSecond();
            }
            Object perFrame = tcp.extra().get("sdkEventsPerFrame");
            points.add(new SweepPoint(plan.sweep(), shape.value(), tcp.throughputPerSecond(),
                    tcp.latency().p50Micros(), tcp.latency().p99Micros(), perEvent(cpu[0], tcp.acked()),
                    perEvent(cpu[1], tcp.acked()), raw, perFrame instanceof Double d ? d : 0, mostHeld,
                    shape.describe()));
        }
        return new SweepReport(plan, points);
    }

    /** The raw producer at the plan's rate; returns this JVM's CPU µs per acknowledged event. */
    private double raw(String bootstrap) {
        long[] at = {-1};
        RawProducerBench bench = new RawProducerBench(bootstrap, s.topic() + ".raw", s.accounts())
                .onMeasuredStart(() -> at[0] = CpuTime.ofSelf());
        RunReport r = bench.run(s.events(), s.duration(), s.warmup(), plan.ratePerSecond(), false);
        long used = CpuTime.ofSelf() - at[0];
        System.out.printf("raw producer: %.0f events/s, p99 %.2f ms%n", r.throughputPerSecond(),
                r.latency().p99Micros() / 1000.0);
        return at[0] < 0 ? -1 : perEvent(used, r.acked());
    }

    /**
     * The SDK path with {@code shape}; {@code rate} 0 = closed loop. Fills {@code cpu} with the server's and this
     * JVM's CPU nanoseconds over the measured part (-1 when unknown).
     */
    private RunReport tcp(List<String> targets, SweepPlan.Shape shape, double rate, ChildProcess server, long[] cpu,
            String name) throws InterruptedException {
        ClientOptions client = new ClientOptions(Math.max(s.window(), shape.batch()), shape.batch(), shape.linger(),
                Duration.ofSeconds(30), s.security()).withConnectionsPerLane(shape.connectionsPerLane());
        LoadSettings load = new LoadSettings(targets, shape.lanes(), rate, s.window(), s.duration(), s.events(),
                new Mix(0, 0, 1, 0), s.accounts(), client, false, s.warmup(), false);
        long[] at = {-1, -1};
        RunReport r = new LoadDriver(load, null, null).onMeasuredStart(() -> {
            at[0] = server == null ? -1 : server.cpuNanos();
            at[1] = CpuTime.ofSelf();
        }).run(name);
        cpu[0] = at[0] < 0 ? -1 : server.cpuNanos() - at[0];
        cpu[1] = at[1] < 0 ? -1 : CpuTime.ofSelf() - at[1];
        System.out.printf("%s: %.0f events/s, p50 %.2f ms, p99 %.2f ms, %s events/frame%n", name,
                r.throughputPerSecond(), r.latency().p50Micros() / 1000.0, r.latency().p99Micros() / 1000.0,
                r.extra().get("sdkEventsPerFrame"));
        return r;
    }

    static double perEvent(long cpuNanos, long events) {
        return cpuNanos < 0 || events <= 0 ? -1 : cpuNanos / 1000.0 / events;
    }
}
