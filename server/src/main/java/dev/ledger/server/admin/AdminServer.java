package dev.ledger.server.admin;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The server's admin HTTP port (the Prometheus client's JDK HTTP server on two daemon threads, never an event loop):
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text, or OpenMetrics when the Accept header asks for it.</li>
 *   <li>{@code GET /livez}: 200 while the process and its event loops respond. Kafka being down does not fail it:
 *       an orchestrator restarting servers during a Kafka outage would only add a restart storm to it.</li>
 *   <li>{@code GET /readyz}: 200 only when Kafka's metadata is reachable, the circuit is closed and the server is
 *       not draining; 503 with the reason otherwise.</li>
 * </ul>
 * Bound to 127.0.0.1 by default: it has no authentication. Thread-safe; start once, {@link #close()} once.
 */
public final class AdminServer implements AutoCloseable {

    /** A health check: {@code null} when healthy, else what is wrong (shown in the 503 body). */
    @FunctionalInterface
    public interface Check extends Supplier<String> {
    }

    private final HTTPServer http;
    private final ExecutorService executor;

    private AdminServer(HTTPServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @throws UncheckedIOException naming the address when the port cannot be bound
     */
    public static AdminServer start(String bindAddress, int port, ServerMetrics metrics, Check live, Check ready) {
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ledger-admin-http");
            t.setDaemon(true);
            return t;
        });
        try {
            HTTPServer http = HTTPServer.builder().hostname(bindAddress).port(port).registry(metrics.registry())
                    .executorService(executor).registerHealthHandler(false)
                    .defaultHandler(ex -> route(ex, live, ready)).buildAndStart();
            return new AdminServer(http, executor);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("admin port " + bindAddress + ":" + port + " cannot be bound (set "
                    + "--admin-port, or 0 to turn it off): " + e.getMessage(), e);
        }
    }

    public int port() {
        return http.getPort();
    }

    private static void route(HttpExchange ex, Check live, Check ready) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                send(ex, 405, "{\"error\":\"only GET is served\"}");
            } else if (path.equals("/livez")) {
                health(ex, "live", live);
            } else if (path.equals("/readyz")) {
                health(ex, "ready", ready);
            } else {
                send(ex, 404, "{\"error\":\"no such path; try /metrics, /livez or /readyz\"}");
            }
        }
    }

    private static void health(HttpExchange ex, String what, Check check) throws IOException {
        String problem;
        try {
            problem = check.get();
        } catch (RuntimeException e) {
            problem = "check failed: " + e;
        }
        send(ex, problem == null ? 200 : 503, problem == null ? "{\"" + what + "\":true}"
                : "{\"" + what + "\":false,\"reason\":\"" + escape(problem) + "\"}");
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        http.close();
        executor.shutdownNow();
    }
}
