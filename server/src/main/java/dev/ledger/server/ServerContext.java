package dev.ledger.server;

import dev.ledger.server.admin.ServerMetrics;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.server.decisions.DecisionRouter;
import dev.ledger.server.kafka.KafkaEventWriter;
import dev.ledger.server.security.ServerSecurity;
import io.netty.channel.group.ChannelGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one server shares: config, the Kafka writer, security, the decision
 * router, the metrics, the set of open connections and what is in flight ({@link InFlight}, which graceful
 * shutdown waits on).
 *
 * <p>Thread-safe; one instance per {@link LedgerServer}.
 */
final class ServerContext {

    static final String SERVER_VERSION = "0.1.0";

    private final ServerConfig config;
    private final KafkaEventWriter writer;
    private final ChannelGroup channels;
    private final ServerSecurity security;
    private final AtomicInteger connections = new AtomicInteger();
    private final InFlight inFlight = new InFlight();
    private final DecisionRouter decisions;
    private final ServerMetrics metrics;

    ServerContext(ServerConfig config, KafkaEventWriter writer, ChannelGroup channels, ServerSecurity security) {
        this(config, writer, channels, security, new DecisionRouter(),
                new ServerMetrics(new PrometheusRegistry(), false));
    }

    ServerContext(ServerConfig config, KafkaEventWriter writer, ChannelGroup channels, ServerSecurity security,
            DecisionRouter decisions, ServerMetrics metrics) {
        this.decisions = decisions;
        this.metrics = metrics;
        this.config = config;
        this.writer = writer;
        this.channels = channels;
        this.security = security;
        metrics.inFlightEventsFrom(inFlight::events);
    }

    ServerSecurity security() {
        return security;
    }

    ServerConfig config() {
        return config;
    }

    KafkaEventWriter writer() {
        return writer;
    }

    ChannelGroup channels() {
        return channels;
    }

    /** Who awaits which event's decision, across this server's connections. */
    DecisionRouter decisions() {
        return decisions;
    }

    /** The one owner of the server's metrics. */
    ServerMetrics metrics() {
        return metrics;
    }

    AtomicInteger connections() {
        return connections;
    }

    /** The one owner of the events and Submits in flight. */
    InFlight inFlight() {
        return inFlight;
    }
}
