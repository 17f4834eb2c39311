package dev.ledger.core.rules;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;

/**
 * Test-only copy of EventValidator as it was before the single-pass decoder (the reference for LegacyLedger).
 * Stateless checks of one {@link MutationEvent} before it is written to Kafka.
 *
 * <p>{@link #validate} returns {@code null} for a valid event, otherwise a reason that names the offending field
 * and its value, e.g. {@code "transfer.amount_minor must be > 0: -5"}; the server answers STATUS_INVALID with it.
 * Ledger rules that need state (does the account exist, is there money) belong to the consumers, not here.
 *
 * <p>Thread-safe (stateless); one instance is shared by every connection.
 */
final class LegacyEventValidator {

    /** Longest accepted event_id, in UTF-8 bytes. */
    static final int MAX_EVENT_ID_BYTES = 64;

    /** Longest accepted account id, in UTF-8 bytes: ids become Kafka keys, so they stay small. */
    static final int MAX_ACCOUNT_ID_BYTES = 128;

    /** Longest accepted free text (display_name, snapshot label), in UTF-8 bytes. */
    static final int MAX_TEXT_BYTES = 256;

    /** Returns null when the event is valid, else a reason naming the field. */
    public String validate(MutationEvent event) {
        String eventId = event.getEventId();
        if (eventId.isEmpty()) {
            return "event_id must be set";
        }
        int idBytes = eventId.getBytes(StandardCharsets.UTF_8).length;
        if (idBytes > MAX_EVENT_ID_BYTES) {
            return "event_id must be at most " + MAX_EVENT_ID_BYTES + " bytes UTF-8: " + idBytes;
        }
        return switch (event.getBodyCase()) {
            case CREATE_ACCOUNT -> createAccount(event.getCreateAccount());
            case TOP_UP -> topUp(event.getTopUp());
            case TRANSFER -> transfer(event.getTransfer());
            case SNAPSHOT -> maxBytes("snapshot.label", event.getSnapshot().getLabel(), MAX_TEXT_BYTES);
            case BODY_NOT_SET -> "body must be one of create_account, top_up, transfer, snapshot: none set";
        };
    }

    private static String createAccount(CreateAccount c) {
        String r = required("create_account.account_id", c.getAccountId());
        if (r == null) {
            r = currency("create_account.currency", c.getCurrency());
        }
        if (r == null) {
            r = maxBytes("create_account.display_name", c.getDisplayName(), MAX_TEXT_BYTES);
        }
        if (r == null && (c.getGroup() == AccountGroup.ACCOUNT_GROUP_UNSPECIFIED
                || c.getGroup() == AccountGroup.UNRECOGNIZED)) {
            r = "create_account.group must be set: " + c.getGroupValue();
        }
        return r;
    }

    private static String topUp(TopUp t) {
        String r = required("top_up.account_id", t.getAccountId());
        if (r == null) {
            r = required("top_up.settlement_account_id", t.getSettlementAccountId());
        }
        if (r == null && t.getAmountMinor() <= 0) {
            r = "top_up.amount_minor must be > 0: " + t.getAmountMinor();
        }
        if (r == null) {
            r = currency("top_up.currency", t.getCurrency());
        }
        return r;
    }

    private static String transfer(Transfer t) {
        String r = required("transfer.payer_account_id", t.getPayerAccountId());
        if (r == null) {
            r = required("transfer.payee_account_id", t.getPayeeAccountId());
        }
        if (r == null && t.getPayerAccountId().equals(t.getPayeeAccountId())) {
            r = "transfer.payee_account_id must differ from transfer.payer_account_id: " + t.getPayeeAccountId();
        }
        if (r == null && t.getAmountMinor() <= 0) {
            r = "transfer.amount_minor must be > 0: " + t.getAmountMinor();
        }
        if (r == null) {
            r = leg("transfer.fee", t.getFeeMinor(), t.getFeeAccountId());
        }
        if (r == null) {
            r = leg("transfer.tax", t.getTaxMinor(), t.getTaxAccountId());
        }
        if (r == null) {
            // fee + tax <= amount, written as fee <= amount - tax: with amount > 0 and tax >= 0 that cannot overflow.
            if (t.getFeeMinor() > t.getAmountMinor() - t.getTaxMinor()) {
                r = "transfer.fee_minor + transfer.tax_minor must be <= transfer.amount_minor: "
                        + t.getFeeMinor() + " + " + t.getTaxMinor() + " > " + t.getAmountMinor();
            }
        }
        if (r == null) {
            r = currency("transfer.currency", t.getCurrency());
        }
        return r;
    }

    private static String leg(String name, long minor, String accountId) {
        if (minor < 0) {
            return name + "_minor must be >= 0: " + minor;
        }
        if (minor > 0 && accountId.isEmpty()) {
            return name + "_account_id must be set when " + name + "_minor > 0: " + minor;
        }
        return maxBytes(name + "_account_id", accountId, MAX_ACCOUNT_ID_BYTES);
    }

    /** An account id: present and at most {@link #MAX_ACCOUNT_ID_BYTES}. */
    private static String required(String field, String value) {
        return value.isEmpty() ? field + " must be set" : maxBytes(field, value, MAX_ACCOUNT_ID_BYTES);
    }

    private static String maxBytes(String field, String value, int max) {
        // UTF-8 is at most 3 bytes per char here (surrogate pairs: 4 bytes for 2 chars), so short strings pass fast.
        if (value.length() * 3 <= max) {
            return null;
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        return bytes > max ? field + " must be at most " + max + " bytes UTF-8: " + bytes : null;
    }

    private static String currency(String field, String value) {
        if (value.length() != 3) {
            return field + " must be three uppercase letters A-Z: \"" + value + "\"";
        }
        for (int i = 0; i < 3; i++) {
            char c = value.charAt(i);
            if (c < 'A' || c > 'Z') {
                return field + " must be three uppercase letters A-Z: \"" + value + "\"";
            }
        }
        return null;
    }
}
