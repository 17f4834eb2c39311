package dev.ledger.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of the ingest server, immutable, validated once by {@link Builder#build()}.
 *
 * <p>Built by {@link dev.ledger.server.ServerMain} from flags and environment variables, or by tests and embedders
 * through {@link #builder()}. Each default is named once, in {@link Defaults}. Thread-safe (immutable).
 *
 * @param bootstrapServers Kafka bootstrap servers; {@code null} only in development mode before the embedded
 *     broker is started (the server itself always needs one)
 * @param producerProperties extra Kafka producer settings; they override the server's producer defaults, except
 *     {@code acks=all}, {@code enable.idempotence=true} and {@code max.block.ms=0}, which cannot be changed
 * @param decisionsTopic the ledger core's decision journal, read for the decisions clients await
 * @param decisionTimeoutMs how long a Submit that awaits decisions waits for them before the undecided events are
 *     answered DECISION_PENDING
 * @param authTokens accepted Hello tokens; empty = authentication off
 * @param allowWeakDurability production mode only: start even when the topic cannot keep the durability promise
 *     (replication factor below 3, {@code min.insync.replicas} below 2 or above RF - 1, unclean leader election
 *     on), with a warning repeated every minute; without it such a topic stops startup
 * @param developmentMode the broker is the embedded single-node development broker: a weak topic is expected
 *     and only warned about once. Not a flag: {@link dev.ledger.server.ServerMain} sets it when it starts the
 *     embedded broker, and tests against the embedded test kit set it the same way
 * @param tls TLS on the client port; {@code null} = plaintext
 * @param principalsFile principals with credentials, permissions and rates (docs/SECURITY.md); {@code null} = none.
 *     Excludes {@code authTokens}
 * @param adminBindAddress address of the admin HTTP port ({@code /metrics}, {@code /livez}, {@code /readyz})
 * @param adminPort the admin HTTP port; 0 = off. The command line's default is {@link Defaults#ADMIN_PORT}; a
 *     server built through {@link #builder()} (tests, embedders) has it off unless set, so that several servers
 *     can share a process
 * @param circuitFailureThreshold consecutive Kafka failures (errors or ack timeouts) that open the circuit: events
 *     are then answered UNAVAILABLE at once instead of queueing
 * @param circuitOpenMs how long an open circuit refuses before it lets one probe send through
 */
public record ServerConfig(
        String bootstrapServers,
        String bindAddress,
        int port,
        String topic,
        int topicPartitions,
        int topicReplicationFactor,
        int maxFrameBytes,
        int maxEventsPerSubmit,
        int maxInFlightEventsPerConnection,
        long ackTimeoutMs,
        long handshakeTimeoutMs,
        long idleTimeoutMs,
        int maxConnections,
        long drainTimeoutMs,
        String decisionsTopic,
        long decisionTimeoutMs,
        Map<String, String> producerProperties,
        Set<String> authTokens,
        String serverId,
        boolean allowWeakDurability,
        boolean developmentMode,
        Tls tls,
        Path principalsFile,
        String adminBindAddress,
        int adminPort,
        int circuitFailureThreshold,
        long circuitOpenMs) {

    /**
     * TLS on the client port, from PEM files.
     *
     * @param clientCaFile {@code null}: no client certificates; else required and verified against this bundle (mTLS)
     * @param minVersion {@code "1.3"} (default) or {@code "1.2"}
     */
    public record Tls(Path certFile, Path keyFile, Path clientCaFile, String minVersion) {
    }

    /** The defaults, each named once. */
    public static final class Defaults {
        public static final String BIND_ADDRESS = "0.0.0.0";
        public static final int PORT = 7070;
        public static final String TOPIC = "ledger.mutations";
        public static final int TOPIC_PARTITIONS = 3;
        /** 0 = min(3, number of brokers). */
        public static final int TOPIC_REPLICATION_FACTOR = 0;
        public static final int MAX_FRAME_BYTES = 1024 * 1024;
        public static final int MAX_EVENTS_PER_SUBMIT = 1000;
        public static final int MAX_IN_FLIGHT_EVENTS_PER_CONNECTION = 8192;
        public static final long ACK_TIMEOUT_MS = 5000;
        public static final long HANDSHAKE_TIMEOUT_MS = 10_000;
        public static final long IDLE_TIMEOUT_MS = 60_000;
        public static final int MAX_CONNECTIONS = 10_000;
        public static final long DRAIN_TIMEOUT_MS = 10_000;
        public static final String DECISIONS_TOPIC = "ledger.decisions";
        public static final long DECISION_TIMEOUT_MS = 5000;
        public static final boolean ALLOW_WEAK_DURABILITY = false;
        public static final String TLS_MIN_VERSION = "1.3";
        public static final String ADMIN_BIND_ADDRESS = "127.0.0.1";
        /** The admin port of the command line (Prometheus' registry of default ports lists 9464 for exporters). */
        public static final int ADMIN_PORT = 9464;
        /** The admin port of {@link #builder()}: off. */
        public static final int ADMIN_PORT_OFF = 0;
        public static final int CIRCUIT_FAILURE_THRESHOLD = 3;
        public static final long CIRCUIT_OPEN_MS = 1000;

        private Defaults() {
        }
    }

    public ServerConfig {
        producerProperties = Map.copyOf(producerProperties);
        authTokens = Set.copyOf(authTokens);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder prefilled with this config, e.g. to fill in the bootstrap servers of a dev-mode broker. */
    public Builder toBuilder() {
        Builder b = new Builder().bootstrapServers(bootstrapServers).bindAddress(bindAddress).port(port).topic(topic)
                .topicPartitions(topicPartitions).topicReplicationFactor(topicReplicationFactor)
                .maxFrameBytes(maxFrameBytes).maxEventsPerSubmit(maxEventsPerSubmit)
                .maxInFlightEventsPerConnection(maxInFlightEventsPerConnection).ackTimeoutMs(ackTimeoutMs)
                .handshakeTimeoutMs(handshakeTimeoutMs).idleTimeoutMs(idleTimeoutMs).maxConnections(maxConnections)
                .drainTimeoutMs(drainTimeoutMs).decisionsTopic(decisionsTopic).decisionTimeoutMs(decisionTimeoutMs)
                .authTokens(List.copyOf(authTokens)).serverId(serverId)
                .allowWeakDurability(allowWeakDurability).developmentMode(developmentMode).tls(tls)
                .principalsFile(principalsFile).adminBindAddress(adminBindAddress).adminPort(adminPort)
                .circuitFailureThreshold(circuitFailureThreshold).circuitOpenMs(circuitOpenMs);
        producerProperties.forEach(b::producerProperty);
        return b;
    }

    /** One line with the effective settings (auth tokens are counted, secrets among producer settings masked). */
    public String describe() {
        return "bootstrapServers=" + bootstrapServers + " bind=" + bindAddress + ":" + port + " topic=" + topic
                + " topicPartitions=" + topicPartitions + " topicReplicationFactor="
                + (topicReplicationFactor == 0 ? "auto" : topicReplicationFactor)
                + " maxFrameBytes=" + maxFrameBytes + " maxEventsPerSubmit=" + maxEventsPerSubmit
                + " maxInFlightEventsPerConnection=" + maxInFlightEventsPerConnection
                + " ackTimeoutMs=" + ackTimeoutMs + " handshakeTimeoutMs=" + handshakeTimeoutMs
                + " idleTimeoutMs=" + idleTimeoutMs + " maxConnections=" + maxConnections
                + " drainTimeoutMs=" + drainTimeoutMs + " decisionsTopic=" + decisionsTopic
                + " decisionTimeoutMs=" + decisionTimeoutMs + " authTokens=" + authTokens.size()
                + " serverId=" + serverId + " allowWeakDurability=" + allowWeakDurability
                + " developmentMode=" + developmentMode + " tls=" + (tls == null ? "off" : tls)
                + " principalsFile=" + principalsFile + " admin=" + (adminPort == 0 ? "off" : adminBindAddress + ":" + adminPort)
                + " circuit=" + circuitFailureThreshold + "failures/" + circuitOpenMs + "ms"
                + " producerProperties=" + masked(producerProperties);
    }

    /** Producer settings for a log line: values of keys that may hold a secret are replaced by {@code ****}. */
    static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> out = new java.util.TreeMap<>();
        properties.forEach((k, v) -> out.put(k, dev.ledger.core.config.ConfigFile.isSecret(k) ? "****" : v));
        return out;
    }

    /** Collects settings; setters take anything, {@link #build()} checks everything once. Not thread-safe. */
    public static final class Builder {
        private String bootstrapServers;
        private String bindAddress = Defaults.BIND_ADDRESS;
        private int port = Defaults.PORT;
        private String topic = Defaults.TOPIC;
        private int topicPartitions = Defaults.TOPIC_PARTITIONS;
        private int topicReplicationFactor = Defaults.TOPIC_REPLICATION_FACTOR;
        private int maxFrameBytes = Defaults.MAX_FRAME_BYTES;
        private int maxEventsPerSubmit = Defaults.MAX_EVENTS_PER_SUBMIT;
        private int maxInFlightEventsPerConnection = Defaults.MAX_IN_FLIGHT_EVENTS_PER_CONNECTION;
        private long ackTimeoutMs = Defaults.ACK_TIMEOUT_MS;
        private long handshakeTimeoutMs = Defaults.HANDSHAKE_TIMEOUT_MS;
        private long idleTimeoutMs = Defaults.IDLE_TIMEOUT_MS;
        private int maxConnections = Defaults.MAX_CONNECTIONS;
        private long drainTimeoutMs = Defaults.DRAIN_TIMEOUT_MS;
        private String decisionsTopic = Defaults.DECISIONS_TOPIC;
        private long decisionTimeoutMs = Defaults.DECISION_TIMEOUT_MS;
        private final Map<String, String> producerProperties = new LinkedHashMap<>();
        private List<String> authTokens = List.of();
        private String serverId;
        private boolean allowWeakDurability = Defaults.ALLOW_WEAK_DURABILITY;
        private boolean developmentMode;
        private Tls tls;
        private Path principalsFile;
        private String adminBindAddress = Defaults.ADMIN_BIND_ADDRESS;
        private int adminPort = Defaults.ADMIN_PORT_OFF;
        private int circuitFailureThreshold = Defaults.CIRCUIT_FAILURE_THRESHOLD;
        private long circuitOpenMs = Defaults.CIRCUIT_OPEN_MS;

        private Builder() {
        }

        public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
        public Builder bindAddress(String v) { bindAddress = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder topic(String v) { topic = v; return this; }
        public Builder topicPartitions(int v) { topicPartitions = v; return this; }
        public Builder topicReplicationFactor(int v) { topicReplicationFactor = v; return this; }
        public Builder maxFrameBytes(int v) { maxFrameBytes = v; return this; }
        public Builder maxEventsPerSubmit(int v) { maxEventsPerSubmit = v; return this; }
        public Builder maxInFlightEventsPerConnection(int v) { maxInFlightEventsPerConnection = v; return this; }
        public Builder ackTimeoutMs(long v) { ackTimeoutMs = v; return this; }
        public Builder handshakeTimeoutMs(long v) { handshakeTimeoutMs = v; return this; }
        /** 0 disables the idle timeout. */
        public Builder idleTimeoutMs(long v) { idleTimeoutMs = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder drainTimeoutMs(long v) { drainTimeoutMs = v; return this; }
        public Builder decisionsTopic(String v) { decisionsTopic = v; return this; }
        public Builder decisionTimeoutMs(long v) { decisionTimeoutMs = v; return this; }
        public Builder authTokens(List<String> v) { authTokens = List.copyOf(v); return this; }
        public Builder serverId(String v) { serverId = v; return this; }
        /** Production mode: start on a topic that cannot keep the durability promise, warning every minute. */
        public Builder allowWeakDurability(boolean v) { allowWeakDurability = v; return this; }
        /** The broker is the embedded development broker: a weak topic is warned about once, never refused. */
        public Builder developmentMode(boolean v) { developmentMode = v; return this; }
        /** TLS on the client port; null = plaintext. */
        public Builder tls(Tls v) { tls = v; return this; }
        /** Principals file (docs/SECURITY.md); null = none. */
        public Builder principalsFile(Path v) { principalsFile = v; return this; }
        public Builder adminBindAddress(String v) { adminBindAddress = v; return this; }
        /** The admin HTTP port; 0 = off (the default here). */
        public Builder adminPort(int v) { adminPort = v; return this; }
        public Builder circuitFailureThreshold(int v) { circuitFailureThreshold = v; return this; }
        public Builder circuitOpenMs(long v) { circuitOpenMs = v; return this; }

        /** Overrides one Kafka producer setting, e.g. {@code ("compression.type", "lz4")}. */
        public Builder producerProperty(String key, String value) {
            producerProperties.put(key, value);
            return this;
        }

        /**
         * Checks every setting and builds the config.
         *
         * @throws IllegalArgumentException naming the first bad setting and its value
         */
        public ServerConfig build() {
            require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrapServers must be set", bootstrapServers);
            require(bindAddress != null && !bindAddress.isBlank(), "bindAddress must be set", bindAddress);
            require(port >= 0 && port <= 65535, "port must be in 0..65535", port);
            require(topic != null && topic.matches("[a-zA-Z0-9._-]{1,249}"), "topic must be a legal Kafka topic name", topic);
            require(topicPartitions >= 1, "topicPartitions must be >= 1", topicPartitions);
            require(topicReplicationFactor >= 0, "topicReplicationFactor must be >= 0 (0 = auto)", topicReplicationFactor);
            require(maxFrameBytes >= 64, "maxFrameBytes must be >= 64", maxFrameBytes);
            require(maxEventsPerSubmit >= 1, "maxEventsPerSubmit must be >= 1", maxEventsPerSubmit);
            require(maxInFlightEventsPerConnection >= 1, "maxInFlightEventsPerConnection must be >= 1",
                    maxInFlightEventsPerConnection);
            require(ackTimeoutMs >= 1, "ackTimeoutMs must be >= 1", ackTimeoutMs);
            require(handshakeTimeoutMs >= 1, "handshakeTimeoutMs must be >= 1", handshakeTimeoutMs);
            require(idleTimeoutMs >= 0, "idleTimeoutMs must be >= 0 (0 disables)", idleTimeoutMs);
            require(maxConnections >= 1, "maxConnections must be >= 1", maxConnections);
            require(drainTimeoutMs >= 0, "drainTimeoutMs must be >= 0", drainTimeoutMs);
            require(decisionsTopic != null && decisionsTopic.matches("[a-zA-Z0-9._-]{1,249}"),
                    "decisionsTopic must be a legal Kafka topic name", decisionsTopic);
            require(decisionTimeoutMs >= 1, "decisionTimeoutMs must be >= 1", decisionTimeoutMs);
            require(adminBindAddress != null && !adminBindAddress.isBlank(), "adminBindAddress must be set",
                    adminBindAddress);
            require(adminPort >= 0 && adminPort <= 65535, "adminPort must be in 0..65535 (0 = off)", adminPort);
            require(circuitFailureThreshold >= 1, "circuitFailureThreshold must be >= 1", circuitFailureThreshold);
            require(circuitOpenMs >= 1, "circuitOpenMs must be >= 1", circuitOpenMs);
            // ACCEPTED promises acks=all with idempotence, and send() must never wait on an event loop.
            pinned("acks", "all", "-1");
            pinned("enable.idempotence", "true");
            pinned("max.block.ms", "0");
            for (String token : authTokens) {
                require(token != null && !token.isBlank(), "authTokens must not contain a blank token", "<blank>");
            }
            checkSecurity();
            String id = serverId == null || serverId.isBlank() ? defaultServerId() : serverId;
            require(id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    <= dev.ledger.core.journal.DecisionKeys.MAX_SERVER_ID_BYTES, "serverId must be at most "
                    + dev.ledger.core.journal.DecisionKeys.MAX_SERVER_ID_BYTES + " bytes UTF-8 (it keys the decisions)", id);
            return new ServerConfig(bootstrapServers, bindAddress, port, topic, topicPartitions, topicReplicationFactor,
                    maxFrameBytes, maxEventsPerSubmit, maxInFlightEventsPerConnection, ackTimeoutMs, handshakeTimeoutMs,
                    idleTimeoutMs, maxConnections, drainTimeoutMs, decisionsTopic, decisionTimeoutMs, producerProperties,
                    Set.copyOf(authTokens), id, allowWeakDurability, developmentMode, tls, principalsFile,
                    adminBindAddress, adminPort, circuitFailureThreshold, circuitOpenMs);
        }

        private void checkSecurity() {
            if (tls != null) {
                require(tls.certFile() != null && tls.keyFile() != null,
                        "tlsCertFile and tlsKeyFile must be given together", tls);
                readable(tls.certFile(), "tlsCertFile");
                readable(tls.keyFile(), "tlsKeyFile");
                if (tls.clientCaFile() != null) {
                    readable(tls.clientCaFile(), "tlsClientCaFile");
                }
                require("1.3".equals(tls.minVersion()) || "1.2".equals(tls.minVersion()),
                        "tlsMinVersion must be 1.3 or 1.2", tls.minVersion());
            }
            if (principalsFile != null) {
                readable(principalsFile, "principalsFile");
                require(authTokens.isEmpty(), "principalsFile and authTokens exclude each other (put the tokens' "
                        + "SHA-256 hashes in the principals file)", authTokens.size() + " auth tokens");
            }
        }

        private static void readable(Path file, String name) {
            require(Files.isReadable(file), name + " must be a readable file", file);
        }

        private void pinned(String key, String... allowed) {
            String value = producerProperties.get(key);
            boolean ok = value == null || List.of(allowed).contains(value.trim().toLowerCase(Locale.ROOT));
            require(ok, "producer property " + key + " cannot be changed (the server's guarantees rest on "
                            + key + "=" + allowed[0] + ")", value);
        }

        private static void require(boolean ok, String message, Object value) {
            if (!ok) {
                throw new IllegalArgumentException(message + ": " + value);
            }
        }

        private static String defaultServerId() {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "localhost";
            }
            return host + "-" + ProcessHandle.current().pid();
        }
    }
}
