package dev.ledger.core.journal;

/**
 * The headers the ingest server puts on every mutation record, named once for the server that writes them and the
 * core (and tools) that read them. Values are UTF-8 text; {@link #INGEST_TS} is epoch milliseconds in ASCII digits.
 */
public final class MutationHeaders {

    /** When the server received the event, epoch ms. */
    public static final String INGEST_TS = "ingest-ts";
    /** The client's name from its Hello. */
    public static final String CLIENT_NAME = "client-name";
    /** The server that wrote the record; the core keys each decision by it. */
    public static final String SERVER_ID = "server-id";
    /** The principal the server authenticated (unlike {@link #CLIENT_NAME}, which the client asserts itself). */
    public static final String PRINCIPAL = "principal";

    private MutationHeaders() {
    }
}
