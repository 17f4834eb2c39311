package dev.ledger.client;

/**
 * One server address from {@code LedgerClientBuilder.endpoints}. Immutable.
 *
 * @param host host name or literal address (IPv6 without brackets)
 * @param port TCP port, 1..65535
 */
record Endpoint(String host, int port) {

    /** Parses {@code host:port} or {@code [v6-address]:port}; the message names the bad text. */
    static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("endpoint must be host:port: " + text);
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("endpoint must be host:port: " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint port is not a number: " + text, e);
        }
        if (port < 1 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("endpoint must be host:port with port 1..65535: " + text);
        }
        return new Endpoint(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
