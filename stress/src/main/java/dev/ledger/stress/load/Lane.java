package dev.ledger.stress.load;

import dev.ledger.client.ClientStats;
import dev.ledger.client.LedgerClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One lane of the driver: an SDK client connected to one target at a time, and, when there are several targets,
 * the events it has outstanding. The lane starts at its own target ({@code lane mod n}); when
 * {@link Submitter}'s watchdog finds it stalled (events outstanding, none answered for a while) it moves to the
 * next target in order with a fresh client, and the submitter sends the outstanding events again there. A dead
 * server so costs each of its lanes one stall of the failover delay and a reconnect, not a wait for every event's
 * deadline. The retired client keeps its events until they resolve or time out; whichever answer comes first counts.
 *
 * <p>Thread-safety: {@link #client()} and the tracking methods from any thread; {@link #failover} from one thread
 * (the watchdog) at a time.
 */
final class Lane {

    private final int index;
    private final List<String> targets;
    private final ClientOptions options;
    private final boolean tracking;
    private final Set<Submitter.Attempt> open = ConcurrentHashMap.newKeySet();
    private final List<LedgerClient> clients = new CopyOnWriteArrayList<>();
    private volatile LedgerClient client;
    private volatile long lastProgressNanos = System.nanoTime();
    private int position;
    private volatile int failovers;

    /** @param targets every target, in the lane's order (its own first: {@link ClientOptions#rotated}) */
    Lane(int index, List<String> targets, ClientOptions options) {
        this.index = index;
        this.targets = List.copyOf(targets);
        this.options = options;
        this.tracking = targets.size() > 1;
        this.client = options.newClient(this.targets.get(0), name());
        clients.add(client);
    }

    private String name() {
        return "ledger-stress-" + index;
    }

    int index() {
        return index;
    }

    /** The client new events go to. */
    LedgerClient client() {
        return client;
    }

    /** The target the lane sends to now. */
    String target() {
        synchronized (this) {
            return targets.get(position);
        }
    }

    int failovers() {
        return failovers;
    }

    /** An event was handed to this lane; with one target nothing is tracked (there is nowhere to fail over to). */
    void opened(Submitter.Attempt a) {
        if (!tracking) {
            return;
        }
        if (open.isEmpty()) {
            lastProgressNanos = System.nanoTime(); // an idle lane's stall counts from its first outstanding event
        }
        open.add(a);
    }

    /** An event ended; {@code answered} when a server answered it (a receipt or a rejection), which is progress. */
    void settled(Submitter.Attempt a, boolean answered) {
        if (!tracking) {
            return;
        }
        open.remove(a);
        if (answered) {
            lastProgressNanos = System.nanoTime();
        }
    }

    /** Events outstanding and no server answer for longer than the failover delay. */
    boolean stalled(long nowNanos) {
        return tracking && !open.isEmpty() && nowNanos - lastProgressNanos > options.failoverAfter().toNanos();
    }

    /**
     * Moves to the next target with a new client; returns the retired client (for the caller to close) and leaves
     * the stall clock at now, so the next target gets a full delay too.
     */
    LedgerClient failover() {
        LedgerClient retired = client;
        LedgerClient next;
        synchronized (this) {
            position = (position + 1) % targets.size();
            next = options.newClient(targets.get(position), name());
        }
        clients.add(next);
        lastProgressNanos = System.nanoTime();
        client = next;
        failovers++;
        return retired;
    }

    /** The events outstanding now, to send again after a failover. */
    List<Submitter.Attempt> outstanding() {
        return new ArrayList<>(open);
    }

    /** Counters of every client this lane has used, summed. */
    long[] stats() {
        long[] sum = new long[3];
        for (LedgerClient c : clients) {
            ClientStats s = c.stats();
            sum[0] += s.framesSent();
            sum[1] += s.eventsSent();
            sum[2] += s.eventsRetried();
        }
        return sum;
    }

    /** Closes the current client (a retired one is closed by whoever retired it). */
    void close() {
        client.close();
    }
}
