package dev.ledger.server;

import dev.ledger.core.CoreNode;
import dev.ledger.core.config.CoreConfig;
import dev.ledger.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Development mode only: runs the ledger core in this process on the embedded broker, so that
 * {@code java -jar ledger-server.jar} alone gives a whole ledger (ingest, rules, journal). In production the core
 * is its own process ({@code ledger-core.jar}); {@code --no-core} turns this off. Called once at startup.
 */
final class DevCore {

    private static final Logger log = LoggerFactory.getLogger(DevCore.class);

    private DevCore() {
    }

    static CoreNode start(ServerConfig server) {
        CoreConfig config = CoreConfig.builder().bootstrapServers(server.bootstrapServers())
                .mutationsTopic(server.topic()).decisionsTopic(server.decisionsTopic()).coreId(server.serverId() + "-core").build();
        CoreNode core = CoreNode.start(config);
        log.warn("DEVELOPMENT MODE: ledger core running in-process (queries and metrics on {}:{}; --no-core to "
                + "turn it off)", config.adminBindAddress(), core.adminPort());
        return core;
    }
}
