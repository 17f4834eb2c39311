package dev.ledger.server;

import dev.ledger.server.config.ServerConfig;
import dev.ledger.server.decisions.DecisionRouter;
import dev.ledger.server.kafka.KafkaEventWriter;
import dev.ledger.core.rules.EventValidator;
import io.netty.channel.group.ChannelGroup;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one server shares: config, the Kafka writer, the validator, the decision router, the
 * set of open connections and the counters that graceful shutdown waits on.
 *
 * <p>Thread-safe; one instance per {@link LedgerServer}.
 */
final class ServerContext {

    static final String SERVER_VERSION = "0.1.0";

    private final ServerConfig config;
    private final KafkaEventWriter writer;
    private final EventValidator validator = new EventValidator();
    private final ChannelGroup channels;
    private final List<byte[]> authTokens;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger pendingSubmits = new AtomicInteger();
    private final DecisionRouter decisions;

    ServerContext(ServerConfig config, KafkaEventWriter writer, ChannelGroup channels) {
        this(config, writer, channels, new DecisionRouter());
    }

    ServerContext(ServerConfig config, KafkaEventWriter writer, ChannelGroup channels, DecisionRouter decisions) {
        this.decisions = decisions;
        this.config = config;
        this.writer = writer;
        this.channels = channels;
        this.authTokens = config.authTokens().stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    ServerConfig config() {
        return config;
    }

    KafkaEventWriter writer() {
        return writer;
    }

    EventValidator validator() {
        return validator;
    }

    ChannelGroup channels() {
        return channels;
    }

    /** Who awaits which event's decision, across this server's connections. */
    DecisionRouter decisions() {
        return decisions;
    }

    AtomicInteger connections() {
        return connections;
    }

    AtomicInteger pendingSubmits() {
        return pendingSubmits;
    }

    /** True when no tokens are configured, or the token is one of them (compared in constant time). */
    boolean authorized(String token) {
        if (authTokens.isEmpty()) {
            return true;
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] t : authTokens) {
            ok |= MessageDigest.isEqual(t, given);
        }
        return ok;
    }
}
