package dev.ledger.testkit;

import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import java.time.Duration;

/** {@link ServerMode#IN_PROCESS}: a {@link LedgerServer} in the test JVM, on 127.0.0.1. Not thread-safe. */
final class InProcessServer implements ServerHandle {

    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final String bootstrapServers;
    private int port;
    private LedgerServer server;

    InProcessServer(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public void start(Topics topics) {
        if (server != null) {
            throw new IllegalStateException("the server is already running");
        }
        ServerConfig config = ServerConfig.builder().bootstrapServers(bootstrapServers).bindAddress("127.0.0.1")
                .port(port).topic(topics.mutations()).decisionsTopic(topics.decisions()).topicPartitions(3).serverId("ledger-testkit-server")
                // A one-broker test cluster cannot be durable: warn once, as the development mode does.
                .developmentMode(true).drainTimeoutMs(DRAIN.toMillis()).build();
        server = LedgerServer.start(config);
        port = server.port();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutdownGracefully(DRAIN);
            server = null;
        }
    }

    @Override
    public void kill() {
        throw new IllegalStateException("killServer() crashes a server process, and this ledger runs the server in "
                + "the test JVM; ask for a child JVM: LedgerExtension.builder().server(ServerMode.CHILD_JVM) or "
                + "@LedgerTest(server = ServerMode.CHILD_JVM). restartServer() works in both modes.");
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        stop();
    }
}
