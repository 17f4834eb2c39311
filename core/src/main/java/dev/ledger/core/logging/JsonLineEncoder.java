package dev.ledger.core.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log line: {@code ts} (ISO-8601 UTC), {@code level}, {@code logger}, {@code thread},
 * {@code message} (formatted), then the event's key-value pairs as fields of their own (numbers and booleans
 * unquoted), {@code mdc} when there is one, and {@code exception} (the whole stack trace as one string). Every
 * control character is escaped, so a multi-line message or a stack trace stays on its line.
 *
 * <p>Usable from a logback config as {@code <encoder class="dev.ledger.core.logging.JsonLineEncoder"/>}.
 * Stateless after start; Logback calls it under the appender's lock.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"ts\":");
        string(json, DateTimeFormatter.ISO_INSTANT.format(event.getInstant()));
        field(json, "level").append('"').append(event.getLevel()).append('"');
        string(field(json, "logger"), event.getLoggerName());
        string(field(json, "thread"), event.getThreadName());
        string(field(json, "message"), event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                value(field(json, pair.key), pair.value);
            }
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null && !mdc.isEmpty()) {
            field(json, "mdc").append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : mdc.entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                string(json, e.getKey()).append(':');
                string(json, e.getValue());
            }
            json.append('}');
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            string(field(json, "exception"), ThrowableProxyUtil.asString(thrown));
        }
        json.append("}\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    private static StringBuilder field(StringBuilder json, String name) {
        json.append(',');
        return string(json, name).append(':');
    }

    private static void value(StringBuilder json, Object v) {
        if (v == null) {
            json.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
                || v instanceof Byte) {
            json.append(v);
        } else if ((v instanceof Double || v instanceof Float) && Double.isFinite(((Number) v).doubleValue())) {
            json.append(v);
        } else {
            string(json, String.valueOf(v));
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    static StringBuilder string(StringBuilder json, String s) {
        if (s == null) {
            return json.append("null");
        }
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
