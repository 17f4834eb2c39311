package dev.ledger.server.config;

import dev.ledger.core.config.ConfigFile;
import dev.ledger.core.logging.LogFormat;
import dev.ledger.server.config.ServerConfig.Defaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The command-line flags of the server (picocli), each with an environment variable and the default from
 * {@link Defaults}. A flag beats its environment variable, which beats the config file ({@link ConfigFile}: a
 * key per flag), which beats the default. Not thread-safe; used once at startup to build a {@link ServerConfig}.
 */
public final class ServerOptions {

    @Option(names = ConfigFile.OPTION, paramLabel = "FILE", defaultValue = "${env:LEDGER_CONFIG}",
            description = "Properties file with a key per flag (the flag name without the dashes, e.g. port=7070; producer-property.KEY=VALUE); flags and environment variables override it. Env LEDGER_CONFIG.")
    Path configFile;

    @Option(names = "--log-format", paramLabel = "text|json", converter = LogFormat.Converter.class,
            defaultValue = "${env:LEDGER_LOG_FORMAT:-" + LogFormat.DEFAULT + "}",
            description = "Log lines as text or as one JSON object per line. Env LEDGER_LOG_FORMAT. Default: ${DEFAULT-VALUE}.")
    LogFormat logFormat;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:LEDGER_BOOTSTRAP_SERVERS}",
            description = "Kafka bootstrap servers. Unset: development mode with an embedded broker. Env LEDGER_BOOTSTRAP_SERVERS.")
    String bootstrapServers;

    @Option(names = "--bind-address", defaultValue = "${env:LEDGER_BIND_ADDRESS:-" + Defaults.BIND_ADDRESS + "}",
            description = "Address to listen on. Env LEDGER_BIND_ADDRESS. Default: ${DEFAULT-VALUE}.")
    String bindAddress;

    @Option(names = "--port", defaultValue = "${env:LEDGER_PORT:-" + Defaults.PORT + "}",
            description = "TCP port (0 = any free one). Env LEDGER_PORT. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--topic", defaultValue = "${env:LEDGER_TOPIC:-" + Defaults.TOPIC + "}",
            description = "Kafka topic for mutations. Env LEDGER_TOPIC. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--topic-partitions", defaultValue = "${env:LEDGER_TOPIC_PARTITIONS:-" + Defaults.TOPIC_PARTITIONS + "}",
            description = "Partitions when the server creates the topic. Env LEDGER_TOPIC_PARTITIONS. Default: ${DEFAULT-VALUE}.")
    int topicPartitions;

    @Option(names = "--topic-replication-factor",
            defaultValue = "${env:LEDGER_TOPIC_REPLICATION_FACTOR:-" + Defaults.TOPIC_REPLICATION_FACTOR + "}",
            description = "Replication factor when creating the topic; 0 = min(3, brokers). Env LEDGER_TOPIC_REPLICATION_FACTOR. Default: ${DEFAULT-VALUE}.")
    int topicReplicationFactor;

    @Option(names = "--max-frame-bytes", defaultValue = "${env:LEDGER_MAX_FRAME_BYTES:-" + Defaults.MAX_FRAME_BYTES + "}",
            description = "Largest accepted frame payload. Env LEDGER_MAX_FRAME_BYTES. Default: ${DEFAULT-VALUE}.")
    int maxFrameBytes;

    @Option(names = "--max-events-per-submit",
            defaultValue = "${env:LEDGER_MAX_EVENTS_PER_SUBMIT:-" + Defaults.MAX_EVENTS_PER_SUBMIT + "}",
            description = "Most events in one Submit. Env LEDGER_MAX_EVENTS_PER_SUBMIT. Default: ${DEFAULT-VALUE}.")
    int maxEventsPerSubmit;

    @Option(names = "--max-in-flight-events",
            defaultValue = "${env:LEDGER_MAX_IN_FLIGHT_EVENTS:-" + Defaults.MAX_IN_FLIGHT_EVENTS_PER_CONNECTION + "}",
            description = "Unanswered events per connection before the server stops reading it. Env LEDGER_MAX_IN_FLIGHT_EVENTS. Default: ${DEFAULT-VALUE}.")
    int maxInFlightEvents;

    @Option(names = "--ack-timeout-ms", defaultValue = "${env:LEDGER_ACK_TIMEOUT_MS:-" + Defaults.ACK_TIMEOUT_MS + "}",
            description = "Events without a Kafka answer after this are answered UNAVAILABLE. Env LEDGER_ACK_TIMEOUT_MS. Default: ${DEFAULT-VALUE}.")
    long ackTimeoutMs;

    @Option(names = "--handshake-timeout-ms",
            defaultValue = "${env:LEDGER_HANDSHAKE_TIMEOUT_MS:-" + Defaults.HANDSHAKE_TIMEOUT_MS + "}",
            description = "Time a new connection has to send Hello. Env LEDGER_HANDSHAKE_TIMEOUT_MS. Default: ${DEFAULT-VALUE}.")
    long handshakeTimeoutMs;

    @Option(names = "--idle-timeout-ms", defaultValue = "${env:LEDGER_IDLE_TIMEOUT_MS:-" + Defaults.IDLE_TIMEOUT_MS + "}",
            description = "Close connections without any traffic for this long; 0 = never. Env LEDGER_IDLE_TIMEOUT_MS. Default: ${DEFAULT-VALUE}.")
    long idleTimeoutMs;

    @Option(names = "--max-connections", defaultValue = "${env:LEDGER_MAX_CONNECTIONS:-" + Defaults.MAX_CONNECTIONS + "}",
            description = "Connections beyond this get Error TOO_MANY_CONNECTIONS. Env LEDGER_MAX_CONNECTIONS. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--drain-timeout-ms", defaultValue = "${env:LEDGER_DRAIN_TIMEOUT_MS:-" + Defaults.DRAIN_TIMEOUT_MS + "}",
            description = "On shutdown, how long to wait for in-flight Submits to be answered. Env LEDGER_DRAIN_TIMEOUT_MS. Default: ${DEFAULT-VALUE}.")
    long drainTimeoutMs;

    @Option(names = "--decisions-topic", defaultValue = "${env:LEDGER_DECISIONS_TOPIC:-" + Defaults.DECISIONS_TOPIC + "}",
            description = "The ledger core's decision journal, read for clients that await decisions. Env LEDGER_DECISIONS_TOPIC. Default: ${DEFAULT-VALUE}.")
    String decisionsTopic;

    @Option(names = "--decision-timeout-ms",
            defaultValue = "${env:LEDGER_DECISION_TIMEOUT_MS:-" + Defaults.DECISION_TIMEOUT_MS + "}",
            description = "How long an event awaiting its decision waits before it is answered DECISION_PENDING. Env LEDGER_DECISION_TIMEOUT_MS. Default: ${DEFAULT-VALUE}.")
    long decisionTimeoutMs;

    @Option(names = "--circuit-failure-threshold",
            defaultValue = "${env:LEDGER_CIRCUIT_FAILURE_THRESHOLD:-" + Defaults.CIRCUIT_FAILURE_THRESHOLD + "}",
            description = "Consecutive Kafka failures (errors, ack timeouts) that open the circuit: events are then answered UNAVAILABLE at once. Env LEDGER_CIRCUIT_FAILURE_THRESHOLD. Default: ${DEFAULT-VALUE}.")
    int circuitFailureThreshold;

    @Option(names = "--circuit-open-ms", defaultValue = "${env:LEDGER_CIRCUIT_OPEN_MS:-" + Defaults.CIRCUIT_OPEN_MS + "}",
            description = "How long an open circuit refuses before one probe send goes through. Env LEDGER_CIRCUIT_OPEN_MS. Default: ${DEFAULT-VALUE}.")
    long circuitOpenMs;

    @Option(names = "--admin-port", defaultValue = "${env:LEDGER_ADMIN_PORT:-" + Defaults.ADMIN_PORT + "}",
            description = "Admin HTTP port: /metrics (Prometheus), /livez, /readyz; 0 = off. Env LEDGER_ADMIN_PORT. Default: ${DEFAULT-VALUE}.")
    int adminPort;

    @Option(names = "--admin-bind-address",
            defaultValue = "${env:LEDGER_ADMIN_BIND_ADDRESS:-" + Defaults.ADMIN_BIND_ADDRESS + "}",
            description = "Address of the admin port (it has no authentication). Env LEDGER_ADMIN_BIND_ADDRESS. Default: ${DEFAULT-VALUE}.")
    String adminBindAddress;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
            description = "Kafka producer setting, repeatable; overrides the server's defaults. Env LEDGER_PRODUCER_PROPERTIES (comma-separated KEY=VALUE).")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @Option(names = "--tls-cert-file", defaultValue = "${env:LEDGER_TLS_CERT_FILE}",
            description = "PEM certificate chain of the client port; with --tls-key-file it turns TLS on. Reloaded when it changes. Env LEDGER_TLS_CERT_FILE.")
    Path tlsCertFile;

    @Option(names = "--tls-key-file", defaultValue = "${env:LEDGER_TLS_KEY_FILE}",
            description = "PEM private key (unencrypted PKCS#8) of --tls-cert-file. Reloaded when it changes. Env LEDGER_TLS_KEY_FILE.")
    Path tlsKeyFile;

    @Option(names = "--tls-client-ca-file", defaultValue = "${env:LEDGER_TLS_CLIENT_CA_FILE}",
            description = "PEM bundle of CAs for client certificates: clients must present one (mTLS). Env LEDGER_TLS_CLIENT_CA_FILE.")
    Path tlsClientCaFile;

    @Option(names = "--tls-min-version", defaultValue = "${env:LEDGER_TLS_MIN_VERSION:-" + Defaults.TLS_MIN_VERSION + "}",
            description = "Oldest TLS version accepted: 1.3 or 1.2. Env LEDGER_TLS_MIN_VERSION. Default: ${DEFAULT-VALUE}.")
    String tlsMinVersion;

    @Option(names = "--principals-file", defaultValue = "${env:LEDGER_PRINCIPALS_FILE}",
            description = "Principals with token hashes / certificate identities, permissions and rates (docs/SECURITY.md); reloaded when it changes; must not be world-readable. Env LEDGER_PRINCIPALS_FILE.")
    Path principalsFile;

    @Option(names = "--producer-config", defaultValue = "${env:LEDGER_PRODUCER_CONFIG}",
            description = "Kafka properties file for the producer and admin client (security.protocol, sasl.*, ssl.*: secrets off the command line). --producer-property and LEDGER_PRODUCER_PROPERTIES override it; acks, enable.idempotence and max.block.ms stay pinned. Env LEDGER_PRODUCER_CONFIG.")
    Path producerConfig;

    @Option(names = "--server-id", defaultValue = "${env:LEDGER_SERVER_ID}",
            description = "Id in Welcome and the server-id header. Env LEDGER_SERVER_ID. Default: <hostname>-<pid>.")
    String serverId;

    @Option(names = "--allow-weak-durability", arity = "0..1", fallbackValue = "true",
            defaultValue = "${env:LEDGER_ALLOW_WEAK_DURABILITY:-" + Defaults.ALLOW_WEAK_DURABILITY + "}",
            description = "Production mode: start even if the topic's replication factor is below 3 or its "
                    + "min.insync.replicas is not in 2..RF-1 (or unclean leader election is on), warning every "
                    + "minute. Env LEDGER_ALLOW_WEAK_DURABILITY. Default: ${DEFAULT-VALUE}.")
    boolean allowWeakDurability;

    @Option(names = "--dev-data-dir", defaultValue = "${env:LEDGER_DEV_DATA_DIR:-./data/kafka}",
            description = "Development mode only: data directory of the embedded broker (wiped at start). Env LEDGER_DEV_DATA_DIR. Default: ${DEFAULT-VALUE}.")
    Path devDataDir;

    // fallbackValue: picocli otherwise sets a given flag to the opposite of its default, which the config file
    // or the environment may have made true (ConfigFile refuses a boolean flag without one).
    @Option(names = "--no-core", defaultValue = "${env:LEDGER_NO_CORE:-false}", fallbackValue = "true",
            description = "Development mode only: do not run the ledger core in-process. Env LEDGER_NO_CORE. Default: ${DEFAULT-VALUE}.")
    boolean noCore;

    /** Development mode only: whether to run the ledger core in-process beside the embedded broker. */
    public boolean devCore() {
        return !noCore;
    }

    /** Null means development mode. */
    public String bootstrapServers() {
        return bootstrapServers == null || bootstrapServers.isBlank() ? null : bootstrapServers;
    }

    public Path devDataDir() {
        return devDataDir;
    }

    public LogFormat logFormat() {
        return logFormat;
    }

    /**
     * Builds the validated config.
     *
     * @throws IllegalArgumentException naming the bad setting
     */
    public ServerConfig toConfig(String effectiveBootstrapServers) {
        return toConfig(effectiveBootstrapServers, Map.of(), System.getenv("LEDGER_AUTH_TOKENS"));
    }

    /**
     * {@link #toConfig(String)} with the config file's {@code producer-property.*} entries, which override
     * {@code --producer-config} and are overridden by {@code LEDGER_PRODUCER_PROPERTIES} and the flags.
     */
    public ServerConfig toConfig(String effectiveBootstrapServers, ConfigFile file) {
        return toConfig(effectiveBootstrapServers, file.mapEntries("--producer-property"),
                System.getenv("LEDGER_AUTH_TOKENS"));
    }

    /**
     * {@link #toConfig(String)} with the value of {@code LEDGER_AUTH_TOKENS} given, for tests. No flag takes a token
     * (a secret on a command line shows in {@code ps}): tokens are hashed in the principals file, or, in the older
     * form, given comma-separated in that environment variable.
     */
    ServerConfig toConfig(String effectiveBootstrapServers, String authTokensEnv) {
        return toConfig(effectiveBootstrapServers, Map.of(), authTokensEnv);
    }

    private ServerConfig toConfig(String effectiveBootstrapServers, Map<String, String> fileProducerProperties,
            String authTokensEnv) {
        ServerConfig.Builder b = ServerConfig.builder().bootstrapServers(effectiveBootstrapServers)
                .bindAddress(bindAddress).port(port).topic(topic).topicPartitions(topicPartitions)
                .topicReplicationFactor(topicReplicationFactor).maxFrameBytes(maxFrameBytes)
                .maxEventsPerSubmit(maxEventsPerSubmit).maxInFlightEventsPerConnection(maxInFlightEvents)
                .ackTimeoutMs(ackTimeoutMs).handshakeTimeoutMs(handshakeTimeoutMs).idleTimeoutMs(idleTimeoutMs)
                .maxConnections(maxConnections).drainTimeoutMs(drainTimeoutMs)
                .decisionsTopic(decisionsTopic).decisionTimeoutMs(decisionTimeoutMs)
                .authTokens(authTokens(authTokensEnv))
                .serverId(serverId).allowWeakDurability(allowWeakDurability).principalsFile(principalsFile)
                .adminPort(adminPort).adminBindAddress(adminBindAddress)
                .circuitFailureThreshold(circuitFailureThreshold).circuitOpenMs(circuitOpenMs)
                .tls(tls());
        producerConfig(producerConfig).forEach(b::producerProperty);
        fileProducerProperties.forEach(b::producerProperty);
        String fromEnv = System.getenv("LEDGER_PRODUCER_PROPERTIES");
        if (fromEnv != null && !fromEnv.isBlank()) {
            for (String pair : Arrays.stream(fromEnv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("LEDGER_PRODUCER_PROPERTIES entries must be KEY=VALUE: " + pair);
                }
                b.producerProperty(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        producerProperties.forEach(b::producerProperty);
        return b.build();
    }

    private ServerConfig.Tls tls() {
        if (tlsCertFile == null && tlsKeyFile == null) {
            if (tlsClientCaFile != null) {
                throw new IllegalArgumentException("tlsClientCaFile needs --tls-cert-file and --tls-key-file: "
                        + tlsClientCaFile);
            }
            return null;
        }
        return new ServerConfig.Tls(tlsCertFile, tlsKeyFile, tlsClientCaFile, tlsMinVersion);
    }

    /**
     * The settings of a Kafka properties file, in file order; empty without a file.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    static Map<String, String> producerConfig(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (file == null) {
            return out;
        }
        java.util.Properties props = new java.util.Properties();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("--producer-config cannot be read: " + file + " (" + e + ")", e);
        }
        props.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, props.getProperty(k).trim()));
        return out;
    }

    /** The accepted tokens of the older form: the comma-separated value of {@code LEDGER_AUTH_TOKENS}, if set. */
    static List<String> authTokens(String fromEnv) {
        if (fromEnv == null) {
            return List.of();
        }
        return Arrays.stream(fromEnv.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
}
