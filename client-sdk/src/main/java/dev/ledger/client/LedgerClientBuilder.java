package dev.ledger.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configures and builds a {@link LedgerClient}. Each setter checks its own argument and throws
 * {@link IllegalArgumentException} naming the setting ({@code "maxInFlightEvents must be positive: 0"});
 * {@link #build()} checks the constraints that span settings, once.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th></tr>
 *   <tr><td>endpoints</td><td>none: required</td></tr>
 *   <tr><td>authToken</td><td>"" (none)</td></tr>
 *   <tr><td>clientName</td><td>"ledger-java-client"</td></tr>
 *   <tr><td>maxInFlightEvents</td><td>10000</td></tr>
 *   <tr><td>requestTimeout</td><td>30 s</td></tr>
 *   <tr><td>connectTimeout</td><td>5 s</td></tr>
 *   <tr><td>linger</td><td>1 ms</td></tr>
 *   <tr><td>maxEventsPerBatch</td><td>512</td></tr>
 *   <tr><td>retryBackoff</td><td>50 ms .. 2 s</td></tr>
 *   <tr><td>connectionsPerEndpoint</td><td>1</td></tr>
 * </table>
 *
 * <p>Not thread-safe: configure from one thread, then share the built client.
 */
public final class LedgerClientBuilder {

    private final List<Endpoint> endpoints = new ArrayList<>();
    private String authToken = "";
    private String clientName = "ledger-java-client";
    private int maxInFlightEvents = 10_000;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration linger = Duration.ofMillis(1);
    private int maxEventsPerBatch = 512;
    private Duration retryBackoffInitial = Duration.ofMillis(50);
    private Duration retryBackoffMax = Duration.ofSeconds(2);
    private int connectionsPerEndpoint = 1;

    LedgerClientBuilder() {
    }

    /**
     * Servers to spread load over, each {@code "host:port"}; replaces any given before.
     *
     * @throws IllegalArgumentException if none is given or one is not host:port
     */
    public LedgerClientBuilder endpoints(String... hostPorts) {
        if (hostPorts == null || hostPorts.length == 0) {
            throw new IllegalArgumentException("endpoints must name at least one host:port");
        }
        List<Endpoint> parsed = new ArrayList<>(hostPorts.length);
        for (String hostPort : hostPorts) {
            parsed.add(Endpoint.parse(hostPort));
        }
        endpoints.clear();
        endpoints.addAll(parsed);
        return this;
    }

    /** Token sent in Hello; empty for none. @throws IllegalArgumentException if null */
    public LedgerClientBuilder authToken(String token) {
        this.authToken = requireNonNull(token, "authToken");
        return this;
    }

    /** Name sent in Hello, shown in server logs. @throws IllegalArgumentException if null or blank */
    public LedgerClientBuilder clientName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("clientName must not be blank: " + name);
        }
        this.clientName = name;
        return this;
    }

    /** Most unresolved events at once; past it submitAsync fails fast. @throws IllegalArgumentException if &lt; 1 */
    public LedgerClientBuilder maxInFlightEvents(int max) {
        this.maxInFlightEvents = positive(max, "maxInFlightEvents");
        return this;
    }

    /** Per-event deadline, counted from submit. @throws IllegalArgumentException if null, zero or negative */
    public LedgerClientBuilder requestTimeout(Duration timeout) {
        this.requestTimeout = positive(timeout, "requestTimeout");
        return this;
    }

    /** Bound on TCP connect plus handshake. @throws IllegalArgumentException if null, zero or negative */
    public LedgerClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connectTimeout");
        return this;
    }

    /** How long a not-yet-full batch waits for more events; zero sends at once. @throws IllegalArgumentException if negative */
    public LedgerClientBuilder linger(Duration linger) {
        requireNonNull(linger, "linger");
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
        this.linger = linger;
        return this;
    }

    /** Most events in one Submit frame (the server's Welcome may lower it). @throws IllegalArgumentException if &lt; 1 */
    public LedgerClientBuilder maxEventsPerBatch(int max) {
        this.maxEventsPerBatch = positive(max, "maxEventsPerBatch");
        return this;
    }

    /**
     * Capped exponential backoff between resends and reconnects, with jitter.
     *
     * @throws IllegalArgumentException if either is not positive or initial &gt; max
     */
    public LedgerClientBuilder retryBackoff(Duration initial, Duration max) {
        positive(initial, "retryBackoff initial");
        positive(max, "retryBackoff max");
        if (initial.compareTo(max) > 0) {
            throw new IllegalArgumentException("retryBackoff initial must not exceed max: " + initial + " > " + max);
        }
        this.retryBackoffInitial = initial;
        this.retryBackoffMax = max;
        return this;
    }

    /** TCP connections kept to each endpoint. @throws IllegalArgumentException if &lt; 1 */
    public LedgerClientBuilder connectionsPerEndpoint(int count) {
        this.connectionsPerEndpoint = positive(count, "connectionsPerEndpoint");
        return this;
    }

    /**
     * Checks the settings together and starts the client; connections are opened in the background, so this
     * returns at once even if no server is up (submits then wait, bounded by their deadline).
     *
     * @return a started client; close it
     * @throws IllegalArgumentException if no endpoint was given, linger is not below requestTimeout, or
     *     maxEventsPerBatch exceeds maxInFlightEvents
     */
    public LedgerClient build() {
        return new LedgerClient(settings());
    }

    ClientSettings settings() {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints must name at least one host:port");
        }
        if (linger.compareTo(requestTimeout) >= 0) {
            throw new IllegalArgumentException(
                    "linger must be shorter than requestTimeout: " + linger + " >= " + requestTimeout);
        }
        if (maxEventsPerBatch > maxInFlightEvents) {
            throw new IllegalArgumentException("maxEventsPerBatch must not exceed maxInFlightEvents: "
                    + maxEventsPerBatch + " > " + maxInFlightEvents);
        }
        return new ClientSettings(endpoints, authToken, clientName, maxInFlightEvents, requestTimeout.toNanos(),
                connectTimeout.toNanos(), linger.toNanos(), maxEventsPerBatch, retryBackoffInitial.toNanos(),
                retryBackoffMax.toNanos(), connectionsPerEndpoint);
    }

    private static int positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    private static Duration positive(Duration value, String name) {
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    private static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return Objects.requireNonNull(value);
    }
}
