package dev.ledger.testkit.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper for admin ports (server and core): a free loopback port, a bounded GET, and sample values read out of
 * Prometheus text. Thread-safe; static only.
 */
public final class AdminHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** An answer: status, content type and body. */
    public record Response(int status, String contentType, String body) {
    }

    private AdminHttp() {
    }

    /** A loopback port free at the time of the call (bind it soon: another process could take it). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET {@code http://127.0.0.1:port/path}, 5 s at most; a refused connection is status -1. */
    public static Response get(int port, String path) {
        return get(port, path, null);
    }

    /** {@link #get(int, String)} with an Accept header (null = none). */
    public static Response get(int port, String path, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET();
        if (accept != null) {
            b.header("Accept", accept);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            return new Response(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, "", e.toString());
        }
    }

    /**
     * The sum of the samples named {@code name} whose labels include every pair of {@code labels}, in Prometheus
     * text; 0 when there is none.
     */
    public static double sample(String text, String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line.trim());
            if (!m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = labels(m.group(3));
            if (labels.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())))) {
                sum += Double.parseDouble(m.group(4));
            }
        }
        return sum;
    }

    /** Whether any sample named {@code name} appears. */
    public static boolean has(String text, String name) {
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.trim());
            if (!line.startsWith("#") && m.matches() && m.group(1).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> labels(String inside) {
        Map<String, String> out = new LinkedHashMap<>();
        if (inside != null) {
            Matcher m = LABEL.matcher(inside);
            while (m.find()) {
                out.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        }
        return out;
    }
}
