package dev.ledger.core.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ledger.core.rules.Account;
import dev.ledger.core.rules.IdTable;
import dev.ledger.core.rules.Ledger;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The core's admin HTTP port (JDK HTTP server, two threads): JSON queries answered from memory, Prometheus metrics
 * and health.
 *
 * <ul>
 *   <li>{@code GET /accounts/{id}}: balance, currency, group, last decided event; 404 if unknown.</li>
 *   <li>{@code GET /decisions/{event_id}}: the original decision's outcome, reason code and sequence; 404.</li>
 *   <li>{@code GET /metrics}: Prometheus text, or OpenMetrics when the Accept header asks for it.</li>
 *   <li>{@code GET /livez}: 200 while the core loop goes round (Kafka being down does not fail it).</li>
 *   <li>{@code GET /readyz}: 200 when active or standby and caught up to within 1 s of its input.</li>
 * </ul>
 * Thread-safe; start once, {@link #close()} once.
 */
public final class AdminServer implements AutoCloseable {

    /** Ready means: had nothing left to read at most this long ago. */
    public static final long READY_LAG_MS = 1000;
    static final long LIVE_TICK_MS = 30_000;
    private static final long READ_TIMEOUT_MS = 2000;

    private final HttpServer http;
    private final ExecutorService executor;
    private final LedgerView view;
    private final CoreMetrics metrics;
    private final ExpositionFormats formats = ExpositionFormats.init();

    private AdminServer(HttpServer http, ExecutorService executor, LedgerView view, CoreMetrics metrics) {
        this.http = http;
        this.executor = executor;
        this.view = view;
        this.metrics = metrics;
    }

    public static AdminServer start(String bindAddress, int port, LedgerView view, CoreMetrics metrics)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(bindAddress, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ledger-core-admin");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        AdminServer server = new AdminServer(http, executor, view, metrics);
        http.createContext("/", server::handle);
        http.start();
        return server;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, "application/json", json("error", "only GET is served"));
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            if (path.startsWith("/accounts/") && path.length() > "/accounts/".length()) {
                account(ex, decode(path.substring("/accounts/".length())));
            } else if (path.startsWith("/decisions/") && path.length() > "/decisions/".length()) {
                decision(ex, decode(path.substring("/decisions/".length())));
            } else if (path.equals("/metrics")) {
                metrics(ex);
            } else if (path.equals("/livez")) {
                long since = view.sinceLastTickMillis();
                boolean live = since >= 0 && since < LIVE_TICK_MS;
                send(ex, live ? 200 : 503, "application/json", "{\"live\":" + live + ",\"role\":\"" + view.role()
                        + "\",\"sinceLastTickMs\":" + since + "}");
            } else if (path.equals("/readyz")) {
                long lag = view.lagMillis();
                String role = view.role();
                boolean ready = (role.equals("active") || role.equals("standby")) && lag >= 0 && lag <= READY_LAG_MS;
                send(ex, ready ? 200 : 503, "application/json", "{\"ready\":" + ready + ",\"role\":\"" + role
                        + "\",\"lagMs\":" + lag + "}");
            } else {
                send(ex, 404, "application/json", json("error", "no such path: " + path));
            }
        } catch (Busy e) {
            send(ex, 503, "application/json", json("error", e.getMessage()));
        } catch (BadRequest e) {
            send(ex, 400, "application/json", json("error", e.getMessage()));
        } catch (RuntimeException e) {
            send(ex, 500, "application/json", json("error", e.toString()));
        }
    }

    private void account(HttpExchange ex, String id) throws IOException {
        String body = ask(ex, ledger -> {
            Account a = ledger.account(id);
            if (a == null) {
                return null;
            }
            return "{\"accountId\":" + quote(a.id()) + ",\"currency\":" + quote(a.currency()) + ",\"group\":"
                    + quote(a.group().name()) + ",\"displayName\":" + quote(a.displayName()) + ",\"balanceMinor\":"
                    + a.balanceMinor() + ",\"lastEventId\":" + quote(a.lastEventId()) + ",\"lastSequence\":"
                    + a.lastSequence() + "}";
        });
        if (body != null) {
            send(ex, 200, "application/json", body);
        } else {
            send(ex, 404, "application/json", json("error", "no account " + id));
        }
    }

    private void decision(HttpExchange ex, String eventId) throws IOException {
        String body = ask(ex, ledger -> {
            IdTable ids = ledger.ids();
            if (!ids.lookup(eventId)) {
                return null;
            }
            int code = ids.foundCode();
            return "{\"eventId\":" + quote(eventId) + ",\"outcome\":" + quote(Ledger.outcomeOf(code).name())
                    + ",\"reasonCode\":" + quote(Ledger.reasonOf(code).name()) + ",\"sequence\":"
                    + ids.foundSequence() + "}";
        });
        if (body != null) {
            send(ex, 200, "application/json", body);
        } else {
            send(ex, 404, "application/json", json("error", "no decision for event " + eventId));
        }
    }

    /** Asks the loop; null means not found. @throws Busy when the loop does not answer in time */
    private String ask(HttpExchange ex, java.util.function.Function<Ledger, String> read) {
        try {
            return view.read(read).get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Busy("the core did not answer within " + READ_TIMEOUT_MS + " ms (busy or loading)");
        } catch (ExecutionException e) {
            throw new Busy(String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted");
        }
    }

    /** The request itself is wrong: 400. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** The loop could not answer a read: 503, retry later. */
    private static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private void metrics(HttpExchange ex) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(ex.getRequestHeaders().getFirst("Accept"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, metrics.registry().scrape());
        send(ex, 200, writer.getContentType(), out.toString(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** Percent-decodes a raw path segment; {@code +} stays a plus sign, as in any URI path. */
    private static String decode(String raw) {
        try {
            return URI.create("http://h/" + raw).getPath().substring(1);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("malformed path segment: " + raw);
        }
    }

    private static String json(String key, String value) {
        return "{" + quote(key) + ":" + quote(value) + "}";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
