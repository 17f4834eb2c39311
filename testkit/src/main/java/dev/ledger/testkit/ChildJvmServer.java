package dev.ledger.testkit;

import dev.ledger.server.ServerMain;
import dev.ledger.testkit.support.ChildJvm;
import dev.ledger.testkit.support.RawFrameClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

/**
 * {@link ServerMode#CHILD_JVM}: {@link ServerMain} as its own process, from the test's class path, on 127.0.0.1
 * against the ledger's Kafka; its output goes to {@code target/child-<name>.log}. {@link #kill()} is SIGKILL.
 * Not thread-safe.
 */
final class ChildJvmServer implements ServerHandle {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Quick start over peak speed: a test server lives for seconds. */
    private static final List<String> JVM_ARGS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final String bootstrapServers;
    private int port;
    private int starts;
    private ChildJvm child;

    ChildJvmServer(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public void start(Topics topics) {
        if (isRunning()) {
            throw new IllegalStateException("the server is already running");
        }
        if (port == 0) {
            port = freePort();
        }
        String name = "ledger-testkit-server-" + port + "-" + (++starts);
        child = ChildJvm.start(name, JVM_ARGS, ServerMain.class.getName(), List.of(
                "--bootstrap-servers", bootstrapServers,
                "--bind-address", "127.0.0.1",
                "--port", String.valueOf(port),
                "--topic", topics.mutations(),
                "--decisions-topic", topics.decisions(),
                "--topic-partitions", "3",
                "--server-id", name,
                "--admin-port", "0",
                // a one-broker test cluster cannot be durable
                "--allow-weak-durability"));
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!RawFrameClient.answersHello(port)) {
            if (!child.isAlive()) {
                throw new IllegalStateException("the server's JVM exited during startup; its output:\n" + child.tail(40));
            }
            if (System.nanoTime() > deadline) {
                child.kill();
                throw new IllegalStateException("the server's JVM did not answer on 127.0.0.1:" + port + " within "
                        + READY_TIMEOUT + "; its output:\n" + child.tail(40));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the server started", e);
            }
        }
    }

    @Override
    public void stop() {
        if (isRunning()) {
            child.stop(Duration.ofSeconds(20));
        }
        child = null;
    }

    @Override
    public void kill() {
        if (!isRunning()) {
            throw new IllegalStateException("the server is not running");
        }
        child.kill();
        child = null;
    }

    @Override
    public boolean isRunning() {
        return child != null && child.isAlive();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (child != null) {
            child.close();
            child = null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
