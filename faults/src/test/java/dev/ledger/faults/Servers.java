package dev.ledger.faults;

import dev.ledger.testkit.support.ChildJvm;
import dev.ledger.testkit.support.RawFrameClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starting ledger servers as real child processes ({@code dev.ledger.server.ServerMain}) for the scenarios that
 * kill or starve a whole server process. Stateless helpers; thread-safe.
 */
final class Servers {

    private Servers() {
    }

    /** A port that was free a moment ago (the child binds it; a race with another process is unlikely on loopback). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code ServerMain} in a child JVM and returns once it answers a Hello with a Welcome.
     *
     * @param extraFlags more {@code --flag value} pairs, e.g. {@code --max-in-flight-events 1000}
     */
    static ChildJvm startChildServer(String name, List<String> jvmArgs, String bootstrapServers, int port,
            String topic, List<String> extraFlags) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", bootstrapServers,
                "--bind-address", "127.0.0.1",
                "--port", String.valueOf(port),
                "--topic", topic,
                "--topic-partitions", "3",
                "--server-id", name,
                "--admin-port", "0",
                // the shared single-node cluster cannot be durable; these scenarios are about the server process
                "--allow-weak-durability"));
        args.addAll(extraFlags);
        ChildJvm child = ChildJvm.start(name, jvmArgs, "dev.ledger.server.ServerMain", args);
        try {
            awaitWelcome(child, port, Duration.ofSeconds(60));
            return child;
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    private static void awaitWelcome(ChildJvm child, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new IllegalStateException("child server exited early; output:\n" + child.tail(40));
            }
            // answersHello is true only once the child answered Hello with Welcome: it is ready.
            if (RawFrameClient.answersHello(port)) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("child server not ready on port " + port + " within " + timeout
                + "; output:\n" + child.tail(40));
    }
}
