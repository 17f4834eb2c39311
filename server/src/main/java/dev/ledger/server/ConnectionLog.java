package dev.ledger.server;

import dev.ledger.proto.ErrorCode;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two log lines of one connection, on logger {@value #LOGGER}: one when it opens (peer) and one when it closes
 * (peer, client name, principal, duration, events submitted, and how it ended). Each value is in the message and
 * also a key-value pair of the event, so the JSON log format has them as fields. Never a line per event.
 *
 * <p>How it ended, first cause wins: {@code error_sent} (an Error frame, with its code), {@code idle_timeout},
 * {@code drained} (answered and closed at the end of a graceful shutdown), {@code io_error}, else
 * {@code tls_failed} (a TLS or plaintext guard closed it and logged its own line with the cause), or
 * {@code peer_closed} (the peer closed it).
 *
 * <p>One instance per connection, created and called by its {@link ConnectionHandler} on the channel's event loop
 * only; not thread-safe.
 */
final class ConnectionLog {

    /** Operators turn connection lines down with this logger's level. */
    static final String LOGGER = "ledger.connections";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final String peer;
    private final long openedNanos = System.nanoTime();
    private String client = "";
    private String principal = "";
    private long events;
    private String end;
    private String code = "";
    private String detail = "";

    private ConnectionLog(String peer) {
        this.peer = peer;
    }

    /** Logs the opening line. */
    static ConnectionLog opened(SocketAddress remote) {
        ConnectionLog c = new ConnectionLog(format(remote));
        log.atInfo().setMessage("connection opened peer={}").addArgument(c.peer).addKeyValue("event", "opened")
                .addKeyValue("peer", c.peer).log();
        return c;
    }

    /** Hello was accepted. */
    void hello(String clientName, String principalName) {
        client = clientName;
        principal = principalName == null ? "" : principalName;
    }

    /** A Submit with {@code count} events was dispatched. */
    void submitted(int count) {
        events += count;
    }

    /** An Error frame was sent; the connection closes after it. */
    void errorSent(ErrorCode error, String message) {
        if (end == null) {
            end = error == ErrorCode.ERROR_CODE_IDLE_TIMEOUT ? "idle_timeout" : "error_sent";
            code = error.name().replaceFirst("^ERROR_CODE_", "");
            detail = message;
        }
    }

    /** The drain deadline of a graceful shutdown closed it. */
    void drained() {
        if (end == null) {
            end = "drained";
        }
    }

    /** The socket failed (reset, broken pipe). */
    void ioError(Throwable cause) {
        if (end == null) {
            end = "io_error";
            detail = String.valueOf(cause.getMessage());
        }
    }

    /** The TLS (or plaintext) guard closed the connection for a TLS failure; it logged the cause itself. */
    void tlsFailed() {
        if (end == null) {
            end = "tls_failed";
        }
    }

    /** Logs the closing line. */
    void closed() {
        String how = end == null ? "peer_closed" : end;
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos);
        String shownClient = printable(client);
        log.atInfo().setMessage("connection closed peer={} client=\"{}\" principal={} duration_ms={} events={} end={}{}{}")
                .addArgument(peer).addArgument(shownClient).addArgument(principal.isEmpty() ? "-" : principal)
                .addArgument(ms).addArgument(events).addArgument(how)
                .addArgument(code.isEmpty() ? "" : " code=" + code)
                .addArgument(detail.isEmpty() ? "" : " detail=\"" + printable(detail) + "\"")
                .addKeyValue("event", "closed").addKeyValue("peer", peer).addKeyValue("client", client)
                .addKeyValue("principal", principal).addKeyValue("duration_ms", ms).addKeyValue("events", events)
                .addKeyValue("end", how).addKeyValue("code", code).addKeyValue("detail", detail).log();
    }

    /** {@code 10.0.0.7:51234}, without a reverse lookup. */
    private static String format(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(remote);
    }

    /** The client chose its name: no line breaks or quotes of its making in a text log line. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) || c == '"' ? '?' : c);
        }
        return out.toString();
    }
}
