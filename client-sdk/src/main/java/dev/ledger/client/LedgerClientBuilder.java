package dev.ledger.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

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
 *   <tr><td>tls / tlsTrustedCertificates / tlsClientCertificate</td><td>off (plaintext)</td></tr>
 *   <tr><td>tlsHostnameVerification</td><td>true</td></tr>
 *   <tr><td>listener</td><td>none</td></tr>
 *   <tr><td>strictKeyOrder</td><td>false</td></tr>
 * </table>
 *
 * <p>Not thread-safe: configure from one thread, then share the built client.
 */
public final class LedgerClientBuilder {

    private final List<Endpoint> endpoints = new ArrayList<>();
    private Supplier<String> authToken = () -> "";
    private String clientName = "ledger-java-client";
    private int maxInFlightEvents = 10_000;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration linger = Duration.ofMillis(1);
    private int maxEventsPerBatch = 512;
    private Duration retryBackoffInitial = Duration.ofMillis(50);
    private Duration retryBackoffMax = Duration.ofSeconds(2);
    private int connectionsPerEndpoint = 1;
    private boolean tls;
    private Path tlsTrustBundle;
    private Path tlsClientCert;
    private Path tlsClientKey;
    private boolean tlsHostnameVerification = true;
    private LedgerClientListener listener = Recorder.NO_LISTENER;
    private boolean strictKeyOrder;

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
        requireNonNull(token, "authToken");
        this.authToken = () -> token;
        return this;
    }

    /**
     * Where the token sent in Hello comes from, asked at every (re)connect, so a rotated token is used from the next
     * connection on. It runs on the client's I/O thread: return a value held in memory, never block. A null or a
     * thrown exception fails that connection attempt, which is retried with backoff.
     *
     * @throws IllegalArgumentException if null
     */
    public LedgerClientBuilder authToken(Supplier<String> tokens) {
        this.authToken = requireNonNull(tokens, "authToken");
        return this;
    }

    /** Turns TLS on, trusting the JDK's trust store (implied by the other {@code tls*} options). */
    public LedgerClientBuilder tls() {
        this.tls = true;
        return this;
    }

    /**
     * Turns TLS on and trusts only the CA certificates in this PEM bundle (instead of the JDK's trust store).
     *
     * @throws IllegalArgumentException if null
     */
    public LedgerClientBuilder tlsTrustedCertificates(Path pemBundle) {
        this.tlsTrustBundle = requireNonNull(pemBundle, "tlsTrustedCertificates");
        this.tls = true;
        return this;
    }

    /**
     * Turns TLS on and presents this client certificate (mTLS).
     *
     * @param certificatePem PEM certificate chain, the client's certificate first
     * @param keyPem its unencrypted PKCS#8 PEM private key
     * @throws IllegalArgumentException if either is null
     */
    public LedgerClientBuilder tlsClientCertificate(Path certificatePem, Path keyPem) {
        this.tlsClientCert = requireNonNull(certificatePem, "tlsClientCertificate certificatePem");
        this.tlsClientKey = requireNonNull(keyPem, "tlsClientCertificate keyPem");
        this.tls = true;
        return this;
    }

    /** Whether the server certificate must name the endpoint's host (default true; turn off only for tests). */
    public LedgerClientBuilder tlsHostnameVerification(boolean verify) {
        this.tlsHostnameVerification = verify;
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
     * Registers the listener that hears what the client does (Submits, event outcomes, resends, connections), to
     * feed a metrics library; replaces any given before. See {@link LedgerClientListener} for its threads and
     * failures: it must be thread-safe and must not block.
     *
     * @throws IllegalArgumentException if null
     */
    public LedgerClientBuilder listener(LedgerClientListener listener) {
        this.listener = requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Keeps each Kafka key's events in submit order across resends too. By default a key's events stay in order
     * while none needs a resend (a key is pinned to one connection while any of its events is unanswered); an event
     * resent after UNAVAILABLE, OVERLOADED or a lost connection can land after later events of its key. With strict
     * order, a key's next event is sent only once the one before it is settled (accepted, rejected, timed out or
     * closed): one event per key in flight at a time, so a single busy key goes at one round trip per event, while
     * many keys still share full Submits. Default false.
     */
    public LedgerClientBuilder strictKeyOrder(boolean strict) {
        this.strictKeyOrder = strict;
        return this;
    }

    /**
     * Checks the settings together and starts the client; connections are opened in the background, so this
     * returns at once even if no server is up (submits then wait, bounded by their deadline).
     *
     * @return a started client; close it
     * @throws IllegalArgumentException if no endpoint was given, linger is not below requestTimeout,
     *     maxEventsPerBatch exceeds maxInFlightEvents, or a TLS file cannot be used (the message names the option)
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
                retryBackoffMax.toNanos(), connectionsPerEndpoint,
                tls ? ClientTls.build(tlsTrustBundle, tlsClientCert, tlsClientKey, tlsHostnameVerification) : null,
                listener, strictKeyOrder);
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
