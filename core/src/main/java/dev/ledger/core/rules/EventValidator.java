package dev.ledger.core.rules;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;

/**
 * Stateless checks of one {@link MutationEvent} before it is written to Kafka.
 *
 * <p>{@link #validate} returns {@code null} for a valid event, otherwise a reason that names the offending field
 * and its value, e.g. {@code "transfer.amount_minor must be > 0: -5"}; the server answers STATUS_INVALID with it.
 * Ledger rules that need state (does the account exist, is there money) belong to the consumers, not here.
 *
 * <p>Thread-safe (stateless); one instance is shared by every connection.
 */
public final class EventValidator {

    /** Longest accepted event_id, in UTF-8 bytes. */
    public static final int MAX_EVENT_ID_BYTES = 64;

    /** Longest accepted account id, in UTF-8 bytes: ids become Kafka keys, so they stay small. */
    public static final int MAX_ACCOUNT_ID_BYTES = 128;

    /** Longest accepted free text (display_name, snapshot label), in UTF-8 bytes. */
    public static final int MAX_TEXT_BYTES = 256;

    /**
     * Returns null when the event is valid, else a reason naming the field. For callers that hold a parsed event
     * (tests, tools): it is read into a {@link MutationView}, the one form the rules read; the server and the ledger
     * read record bytes into one directly ({@link WireEvent}, {@link Ledger#decideInto}).
     */
    public String validate(MutationEvent event) {
        MutationView view = new MutationView();
        view.load(event, 0);
        return validate(view);
    }

    /** The rules themselves, over the view of an event. */
    String validate(EventFields e) {
        int idBytes = e.eventIdUtf8Bytes();
        if (idBytes == 0) {
            return "event_id must be set";
        }
        if (idBytes > MAX_EVENT_ID_BYTES) {
            return "event_id must be at most " + MAX_EVENT_ID_BYTES + " bytes UTF-8: " + idBytes;
        }
        return switch (e.bodyField()) {
            case MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER -> createAccount(e);
            case MutationEvent.TOP_UP_FIELD_NUMBER -> topUp(e);
            case MutationEvent.TRANSFER_FIELD_NUMBER -> transfer(e);
            case MutationEvent.SNAPSHOT_FIELD_NUMBER -> maxBytes(e, "snapshot.label", Snapshot.LABEL_FIELD_NUMBER,
                    MAX_TEXT_BYTES);
            default -> "body must be one of create_account, top_up, transfer, snapshot: none set";
        };
    }

    private static String createAccount(EventFields c) {
        String r = required(c, "create_account.account_id", CreateAccount.ACCOUNT_ID_FIELD_NUMBER);
        if (r == null) {
            r = currency(c, "create_account.currency", CreateAccount.CURRENCY_FIELD_NUMBER);
        }
        if (r == null) {
            r = maxBytes(c, "create_account.display_name", CreateAccount.DISPLAY_NAME_FIELD_NUMBER, MAX_TEXT_BYTES);
        }
        if (r == null && (c.groupValue() <= AccountGroup.ACCOUNT_GROUP_UNSPECIFIED_VALUE
                || c.groupValue() > AccountGroup.ACCOUNT_GROUP_SETTLEMENT_VALUE)) {
            r = "create_account.group must be set: " + c.groupValue();
        }
        return r;
    }

    private static String topUp(EventFields t) {
        String r = required(t, "top_up.account_id", TopUp.ACCOUNT_ID_FIELD_NUMBER);
        if (r == null) {
            r = required(t, "top_up.settlement_account_id", TopUp.SETTLEMENT_ACCOUNT_ID_FIELD_NUMBER);
        }
        long amount = t.amount(TopUp.AMOUNT_MINOR_FIELD_NUMBER);
        if (r == null && amount <= 0) {
            r = "top_up.amount_minor must be > 0: " + amount;
        }
        if (r == null) {
            r = currency(t, "top_up.currency", TopUp.CURRENCY_FIELD_NUMBER);
        }
        return r;
    }

    private static String transfer(EventFields t) {
        String r = required(t, "transfer.payer_account_id", Transfer.PAYER_ACCOUNT_ID_FIELD_NUMBER);
        if (r == null) {
            r = required(t, "transfer.payee_account_id", Transfer.PAYEE_ACCOUNT_ID_FIELD_NUMBER);
        }
        if (r == null && t.sameText(Transfer.PAYER_ACCOUNT_ID_FIELD_NUMBER, Transfer.PAYEE_ACCOUNT_ID_FIELD_NUMBER)) {
            r = "transfer.payee_account_id must differ from transfer.payer_account_id: "
                    + t.text(Transfer.PAYEE_ACCOUNT_ID_FIELD_NUMBER);
        }
        long amount = t.amount(Transfer.AMOUNT_MINOR_FIELD_NUMBER);
        long fee = t.amount(Transfer.FEE_MINOR_FIELD_NUMBER);
        long tax = t.amount(Transfer.TAX_MINOR_FIELD_NUMBER);
        if (r == null && amount <= 0) {
            r = "transfer.amount_minor must be > 0: " + amount;
        }
        if (r == null) {
            r = leg(t, "transfer.fee", "transfer.fee_account_id", fee, Transfer.FEE_ACCOUNT_ID_FIELD_NUMBER);
        }
        if (r == null) {
            r = leg(t, "transfer.tax", "transfer.tax_account_id", tax, Transfer.TAX_ACCOUNT_ID_FIELD_NUMBER);
        }
        // fee + tax <= amount, written as fee <= amount - tax: with amount > 0 and tax >= 0 that cannot overflow.
        if (r == null && fee > amount - tax) {
            r = "transfer.fee_minor + transfer.tax_minor must be <= transfer.amount_minor: "
                    + fee + " + " + tax + " > " + amount;
        }
        if (r == null) {
            r = currency(t, "transfer.currency", Transfer.CURRENCY_FIELD_NUMBER);
        }
        return r;
    }

    /** A fee or tax leg; {@code accountName} is {@code name + "_account_id"}, so that a valid leg builds no text. */
    private static String leg(EventFields t, String name, String accountName, long minor, int accountField) {
        if (minor < 0) {
            return name + "_minor must be >= 0: " + minor;
        }
        if (minor > 0 && t.isEmpty(accountField)) {
            return name + "_account_id must be set when " + name + "_minor > 0: " + minor;
        }
        return maxBytes(t, accountName, accountField, MAX_ACCOUNT_ID_BYTES);
    }

    /** An account id: present and at most {@link #MAX_ACCOUNT_ID_BYTES}. */
    private static String required(EventFields e, String name, int field) {
        return e.isEmpty(field) ? name + " must be set" : maxBytes(e, name, field, MAX_ACCOUNT_ID_BYTES);
    }

    private static String maxBytes(EventFields e, String name, int field, int max) {
        return e.fitsUtf8(field, max) ? null
                : name + " must be at most " + max + " bytes UTF-8: " + e.utf8Bytes(field);
    }

    private static String currency(EventFields e, String name, int field) {
        return e.isCurrencyCode(field) ? null
                : name + " must be three uppercase letters A-Z: \"" + e.text(field) + "\"";
    }
}
