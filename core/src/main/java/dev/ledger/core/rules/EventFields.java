package dev.ledger.core.rules;

/**
 * The fields of one mutation as {@link EventValidator} reads them. Its one implementation is the single-pass view of
 * the record bytes ({@link MutationView}, which creates a String only to word a rejection), used by the ledger and,
 * through {@link WireEvent}, by the ingest server; a parsed {@link dev.ledger.proto.MutationEvent} is loaded into one.
 *
 * <p>A field is named by its number in the body message (e.g. {@code Transfer.FEE_MINOR_FIELD_NUMBER}); the body is
 * {@link #bodyField()}. An absent field reads as its default ("" or 0).
 */
interface EventFields {

    /** The event_id, as a String (for a reason text). */
    String eventId();

    int eventIdUtf8Bytes();

    /** The MutationEvent field number of the body that is set (10..13), or 0. */
    int bodyField();

    /** A string field of the body, as a String (for a reason text). */
    String text(int field);

    /** Whether the string field is empty. */
    boolean isEmpty(int field);

    /** Whether the string field's UTF-8 encoding takes at most {@code max} bytes. */
    boolean fitsUtf8(int field, int max);

    /** The UTF-8 length of the string field. */
    int utf8Bytes(int field);

    /** Whether the string field is exactly three letters A-Z. */
    boolean isCurrencyCode(int field);

    /** Whether two string fields of the body are equal. */
    boolean sameText(int field, int other);

    /** An int64 field of the body. */
    long amount(int field);

    /** The raw number of the create_account group field. */
    int groupValue();
}
