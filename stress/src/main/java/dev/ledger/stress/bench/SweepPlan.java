package dev.ledger.stress.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bench --sweep} runs: one load shape per swept value, all at one open-loop rate. Pure: built from the
 * flags, unit-tested on its own. Immutable.
 *
 * <ul>
 *   <li>{@code connections}: value c = c TCP connections to the server, as {@link #lanesFor lanes} SDK clients
 *       of c / lanes connections each (at most {@link #MAX_LANES} clients: the SDK gives each client its own I/O
 *       thread and deadline timer and cannot share one event loop group, so 1,000 clients would cost 2,000
 *       threads); the bench's {@code --batch} and {@code --linger}.</li>
 *   <li>{@code batch}: value n = n events per Submit frame: {@code --connections} lanes of one connection, SDK
 *       {@code maxEventsPerBatch} n and a linger long enough for n events to arrive on a lane at the rate (twice
 *       n × lanes / rate; zero for n = 1), so frames leave full.</li>
 * </ul>
 *
 * @param sweep {@code connections} or {@code batch}
 * @param values the swept values, each at least 1
 * @param ratePerSecond the open-loop rate of every point
 * @param points the load shape of each value, in order
 */
public record SweepPlan(String sweep, List<Integer> values, double ratePerSecond, List<Shape> points) {

    public static final String CONNECTIONS = "connections";
    public static final String BATCH = "batch";
    /** Default values of both sweeps. */
    public static final List<Integer> DEFAULT_VALUES = List.of(1, 10, 100, 1000);
    /** Default rate of the connections sweep. */
    public static final double CONNECTIONS_RATE = 20_000;
    /** Default rate of the batch sweep. */
    public static final double BATCH_RATE = 50_000;
    /** Most SDK clients the connections sweep opens. */
    public static final int MAX_LANES = 10;

    /**
     * One point's load.
     *
     * @param value the swept value
     * @param lanes SDK clients
     * @param connectionsPerLane TCP connections of each
     * @param batch SDK maxEventsPerBatch
     * @param linger SDK linger
     */
    public record Shape(int value, int lanes, int connectionsPerLane, int batch, Duration linger) {

        /** Connections to the server. */
        public int connections() {
            return lanes * connectionsPerLane;
        }

        /** {@code 10 lanes x 100 conn, batch 512, linger 1ms}. */
        public String describe() {
            return lanes + " lanes x " + connectionsPerLane + " conn, batch " + batch + ", linger "
                    + linger.toMillis() + "ms";
        }
    }

    public SweepPlan {
        values = List.copyOf(values);
        points = List.copyOf(points);
    }

    /**
     * Builds a plan.
     *
     * @param values the values, or empty for {@link #DEFAULT_VALUES}
     * @param ratePerSecond the rate, or 0 for the sweep's default
     * @param connections the bench's {@code --connections} (lanes of the batch sweep)
     * @param batch the bench's {@code --batch} (connections sweep)
     * @param linger the bench's {@code --linger} (connections sweep)
     * @throws IllegalArgumentException naming the flag, for an unknown sweep or a value below 1
     */
    public static SweepPlan of(String sweep, List<Integer> values, double ratePerSecond, int connections, int batch,
            Duration linger) {
        List<Integer> v = values.isEmpty() ? DEFAULT_VALUES : values;
        for (int x : v) {
            if (x < 1) {
                throw new IllegalArgumentException("--sweep-values must be at least 1: " + x);
            }
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("--rate must not be negative: " + ratePerSecond);
        }
        List<Shape> shapes = new ArrayList<>();
        double rate;
        switch (sweep) {
            case CONNECTIONS -> {
                rate = ratePerSecond > 0 ? ratePerSecond : CONNECTIONS_RATE;
                for (int c : v) {
                    int lanes = lanesFor(c);
                    shapes.add(new Shape(c, lanes, c / lanes, batch, linger));
                }
            }
            case BATCH -> {
                rate = ratePerSecond > 0 ? ratePerSecond : BATCH_RATE;
                for (int n : v) {
                    shapes.add(new Shape(n, connections, 1, n, lingerToFill(n, connections, rate)));
                }
            }
            default -> throw new IllegalArgumentException("--sweep must be connections or batch: " + sweep);
        }
        return new SweepPlan(sweep, v, rate, shapes);
    }

    /** The most clients, up to {@link #MAX_LANES}, that split {@code connections} evenly. */
    static int lanesFor(int connections) {
        for (int lanes = Math.min(MAX_LANES, connections); lanes > 1; lanes--) {
            if (connections % lanes == 0) {
                return lanes;
            }
        }
        return 1;
    }

    /** Twice the time n events take to reach one of {@code lanes} lanes at {@code rate}; zero for one event. */
    static Duration lingerToFill(int n, int lanes, double rate) {
        if (n <= 1) {
            return Duration.ZERO;
        }
        long micros = (long) Math.ceil(2e6 * n * lanes / rate);
        return Duration.ofNanos(micros * 1000);
    }
}
