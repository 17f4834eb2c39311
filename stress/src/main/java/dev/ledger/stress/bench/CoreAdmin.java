package dev.ledger.stress.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a ledger core's admin port for the benchmark: {@code /metrics} (Prometheus text) and {@code /readyz}.
 * Every call is bounded by a short timeout and answers "unknown" rather than throwing while the core starts.
 * Thread-safe.
 */
final class CoreAdmin {

    private static final Pattern DECISIONS = Pattern.compile(
            "^ledger_core_decisions_total\\{([^}]*)\\}\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final String base;

    CoreAdmin(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** One scrape of /metrics. */
    record Scrape(boolean reachable, boolean active, long nextSequence, Map<String, Long> decisionsByKind,
            double committedTransactions, double commitSeconds, double commits) {
        static final Scrape UNREACHABLE = new Scrape(false, false, -1, Map.of(), -1, -1, -1);
    }

    Scrape scrape() {
        String text = get("/metrics");
        if (text == null) {
            return Scrape.UNREACHABLE;
        }
        Map<String, Long> kinds = new TreeMap<>();
        Matcher m = DECISIONS.matcher(text);
        while (m.find()) {
            Matcher l = LABEL.matcher(m.group(1));
            String outcome = "";
            String reason = "";
            boolean duplicate = false;
            while (l.find()) {
                switch (l.group(1)) {
                    case "outcome" -> outcome = l.group(2);
                    case "reason" -> reason = l.group(2);
                    case "duplicate" -> duplicate = Boolean.parseBoolean(l.group(2));
                    default -> { }
                }
            }
            String kind = outcome + (reason.equals("none") ? "" : " " + reason) + (duplicate ? " duplicate" : "");
            kinds.merge(kind, (long) Double.parseDouble(m.group(2)), Long::sum);
        }
        return new Scrape(true, gauge(text, "ledger_core_active") > 0, gauge(text, "ledger_core_next_sequence"),
                kinds, value(text, "ledger_core_transactions_total\\{result=\"committed\"\\}"),
                value(text, "ledger_core_commit_seconds_sum"), value(text, "ledger_core_commit_seconds_count"));
    }

    boolean ready() {
        return get("/readyz") != null;
    }

    /** A sample's value; {@code sample} is a regular expression (name and labels); -1 when absent. */
    private static double value(String text, String sample) {
        Matcher m = Pattern.compile("^" + sample + "\\s+(\\S+)", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static long gauge(String text, String name) {
        Matcher m = Pattern.compile("^" + name + "\\s+(\\S+)", Pattern.MULTILINE).matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    /** The body of a 200 answer, or null. */
    private String get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
