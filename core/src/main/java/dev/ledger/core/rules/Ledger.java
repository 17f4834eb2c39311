package dev.ledger.core.rules;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.AccountOpened;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The ledger's state machine: accounts, balances and every decided event id, changed only by {@link #decide} (a
 * mutation record in, one {@link Decision} out) or by {@link #apply} (a journal record folded back in on recovery or
 * by a standby). Deterministic: the same records in the same order give the same decisions, byte for byte, and
 * folding those decisions gives the same state. The rules and reason codes are tabled in docs/CORE.md.
 *
 * <p>The hot path is {@link #decideInto}: one pass over the record's bytes ({@link MutationView}), accounts found by
 * their UTF-8 bytes, and the decision encoded straight into a reused buffer, field by field in protobuf's canonical
 * order; {@link #decide} is the same decision parsed into a {@link Decision}, for tests and tools. Records the single
 * pass does not read exactly as protobuf would (unknown or repeated fields, odd encodings) are parsed by protobuf and
 * then decided by the same rules.
 *
 * <p>Not thread-safe: one thread owns a ledger (the core's loop); queries are handed to that thread.
 */
public final class Ledger {

    private final AccountTable accounts = new AccountTable();
    private final IdTable ids = new IdTable();
    private final EventValidator validator = new EventValidator();
    private long nextSequence;
    private boolean snapshotRequested;

    // The record being decided and the decision being made; single-threaded, so reused.
    private final MutationView v = new MutationView();
    private final DecisionOut scratchOut = new DecisionOut();
    private final long[] prefetchUuids = new long[2 * IdTable.PREFETCH_BATCH];
    // which of values[] names each account to prefetch: an index, not a reference (no GC barrier per store)
    private final int[] prefetchRecords = new int[2 * IdTable.PREFETCH_BATCH];
    private final int[] prefetchOffs = new int[2 * IdTable.PREFETCH_BATCH];
    private final int[] prefetchLens = new int[2 * IdTable.PREFETCH_BATCH];
    private long sequence;
    private int outcome;
    private int reasonCode;
    private String reason;
    private boolean duplicate;
    private long originalSequence;
    private long keptBodyHash;
    private Account opened;

    // Scratch space of one decision's legs (at most payer, payee, fee, tax); after applyLegs, the balances written.
    private final int[] legAccounts = new int[4]; // account indexes
    private final int[] legFields = new int[4]; // the record's field that names the leg's account
    private final long[] legDeltas = new long[4];
    private final long[] legBalances = new long[4];
    private int legCount;

    /** The code an id is kept with: outcome and reason in one byte, never 0. */
    public static int code(Outcome outcome, ReasonCode reason) {
        return outcome.getNumber() << 5 | reason.getNumber();
    }

    public static Outcome outcomeOf(int code) {
        return Outcome.forNumber(code >>> 5);
    }

    public static ReasonCode reasonOf(int code) {
        return ReasonCode.forNumber(code & 31);
    }

    /** Decides one mutation record; the decision's sequence is {@link #nextSequence()} before the call. */
    public Decision decide(byte[] value, int partition, long offset) {
        decideInto(value, partition, offset, scratchOut);
        try {
            return Decision.parseFrom(CodedInputStream.newInstance(scratchOut.buffer(), 0, scratchOut.length()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("decision encoding does not parse", e);
        }
    }

    /**
     * Decides one mutation record into {@code out}: its {@code Decision} encoding and outcome facts. The decision's
     * sequence is {@link #nextSequence()} before the call. Returns the encoding's length.
     */
    public int decideInto(byte[] value, int partition, long offset, DecisionOut out) {
        startDecision();
        if (!v.decode(value)) {
            MutationEvent event;
            try {
                event = MutationEvent.parseFrom(value);
            } catch (InvalidProtocolBufferException e) {
                reject(ReasonCode.REASON_MALFORMED, "value does not parse as a MutationEvent: " + e.getMessage());
                return encode(out, false, partition, offset);
            }
            v.load(event, BodyHash.of(value));
        }
        String invalid = validator.validate(v);
        if (invalid != null) {
            reject(ReasonCode.REASON_MALFORMED, invalid);
            // An over-long event_id (any size a foreign producer wrote) is not echoed: the reason gives its size.
            return encode(out, v.eventIdLength() <= EventValidator.MAX_EVENT_ID_BYTES, partition, offset);
        }
        String textId = v.isUuid() ? null : v.eventId();
        long bodyHash = v.bodyHash();
        if (textId == null ? ids.lookupUuid(v.msb(), v.lsb()) : ids.lookup(textId)) {
            repeat(bodyHash);
            return encode(out, true, partition, offset);
        }
        keptBodyHash = bodyHash;
        switch (v.bodyField()) {
            case MutationEvent.CREATE_ACCOUNT_FIELD_NUMBER -> createAccount(textId);
            case MutationEvent.TOP_UP_FIELD_NUMBER -> topUp(textId);
            case MutationEvent.TRANSFER_FIELD_NUMBER -> transfer(textId);
            default -> { // SNAPSHOT: the caller snapshots after this decision
                outcome = Outcome.OUTCOME_APPLIED_VALUE;
                snapshotRequested = true;
            }
        }
        int code = outcome << 5 | reasonCode;
        if (textId == null) {
            ids.putUuid(v.msb(), v.lsb(), bodyHash, sequence, code);
        } else {
            ids.put(textId, bodyHash, sequence, code);
        }
        return encode(out, true, partition, offset);
    }

    /**
     * A hint before deciding {@code values[from .. to)}: loads the id-table slots of their event ids, and the table
     * slots and states of the two accounts a transfer or top-up names first, together, so the cache misses of a batch
     * overlap (a large id table misses the cache on every new id). Changes no state and no decision; records not in
     * the SDK's layout are skipped.
     */
    public void prefetch(byte[][] values, int from, int to) {
        long[] uuids = prefetchUuids;
        int n = 0;
        int m = 0;
        for (int i = from; i < to; i++) {
            byte[] value = values[i];
            if (MutationView.peekUuid(value, uuids, 2 * n)) {
                n++;
                int found = MutationView.peekAccounts(value, prefetchOffs, prefetchLens, m);
                for (int k = 0; k < found; k++) {
                    prefetchRecords[m++] = i;
                }
            }
            if (n == IdTable.PREFETCH_BATCH || i == to - 1) {
                ids.prefetch(uuids, n);
                accounts.prefetch(values, prefetchRecords, prefetchOffs, prefetchLens, m);
                n = 0;
                m = 0;
            }
        }
    }

    private void startDecision() {
        sequence = nextSequence++;
        outcome = 0;
        reasonCode = 0;
        reason = null;
        duplicate = false;
        originalSequence = 0;
        keptBodyHash = 0;
        opened = null;
        legCount = 0;
    }

    /** Room for a decision's fields other than the reason and the opened account, which are added to it. */
    private static final int ENCODING_BOUND = 1024;

    /** Writes the decision's fields in ascending field number, defaults omitted: protobuf's canonical encoding. */
    private int encode(DecisionOut out, boolean withId, int partition, long offset) {
        // The validator caps what the record can put in a decision (ids, names), so one reservation holds it all.
        byte[] reasonBytes = reason == null ? null : reason.getBytes(StandardCharsets.UTF_8);
        byte[][] openedBytes = opened == null ? null : openedBytes(opened);
        int bound = ENCODING_BOUND + (reasonBytes == null ? 0 : reasonBytes.length)
                + (openedBytes == null ? 0 : openedBytes[0].length + openedBytes[1].length + openedBytes[2].length);
        byte[] b = out.reserve(bound);
        int p = 0;
        if (withId) {
            p = DecisionOut.string(b, p, Decision.EVENT_ID_FIELD_NUMBER, v.buffer(), v.eventIdOffset(),
                    v.eventIdLength());
        }
        if (outcome != 0) {
            p = DecisionOut.varint(b, DecisionOut.tag(b, p, Decision.OUTCOME_FIELD_NUMBER, 0), outcome);
        }
        if (reasonCode != 0) {
            p = DecisionOut.varint(b, DecisionOut.tag(b, p, Decision.REASON_CODE_FIELD_NUMBER, 0), reasonCode);
        }
        if (reasonBytes != null) {
            p = DecisionOut.string(b, p, Decision.REASON_FIELD_NUMBER, reasonBytes);
        }
        if (duplicate) {
            p = DecisionOut.varint(b, DecisionOut.tag(b, p, Decision.DUPLICATE_FIELD_NUMBER, 0), 1);
        }
        if (partition != 0) { // an int32 is sign-extended, as protobuf writes it
            p = DecisionOut.varint(b, DecisionOut.tag(b, p, Decision.MUTATION_PARTITION_FIELD_NUMBER, 0), partition);
        }
        if (offset != 0) {
            p = DecisionOut.varint(b, DecisionOut.tag(b, p, Decision.MUTATION_OFFSET_FIELD_NUMBER, 0), offset);
        }
        if (sequence != 0) {
            p = DecisionOut.varint(b, DecisionOut.tag(b, p, Decision.SEQUENCE_FIELD_NUMBER, 0), sequence);
        }
        for (int i = 0; i < legCount; i++) {
            // The account's id as the record names it: the same bytes as the account's, without touching them.
            int idOff = v.offset(legFields[i]);
            int idLen = v.length(legFields[i]);
            long balance = legBalances[i];
            p = DecisionOut.tag(b, p, Decision.BALANCES_FIELD_NUMBER, 2);
            p = DecisionOut.varint(b, p,
                    DecisionOut.stringSize(idLen) + (balance == 0 ? 0 : 1 + DecisionOut.varintSize(balance)));
            p = DecisionOut.string(b, p, AccountBalance.ACCOUNT_ID_FIELD_NUMBER, v.buffer(), idOff, idLen);
            if (balance != 0) {
                p = DecisionOut.varint(b, DecisionOut.tag(b, p, AccountBalance.BALANCE_MINOR_FIELD_NUMBER, 0), balance);
            }
        }
        if (openedBytes != null) {
            p = encodeOpened(b, p, openedBytes, opened.group().getNumber());
        }
        if (keptBodyHash != 0) {
            p = DecisionOut.fixed64(b, DecisionOut.tag(b, p, Decision.BODY_HASH_FIELD_NUMBER, 1), keptBodyHash);
        }
        if (originalSequence != 0) {
            p = DecisionOut.varint(b, DecisionOut.tag(b, p, Decision.ORIGINAL_SEQUENCE_FIELD_NUMBER, 0),
                    originalSequence);
        }
        out.end(p);
        out.outcome = outcome;
        out.reasonCode = reasonCode;
        out.duplicate = duplicate;
        clearLegs();
        opened = null;
        return p;
    }

    /** The id, currency and display name of an account, UTF-8. */
    private static byte[][] openedBytes(Account a) {
        return new byte[][] {a.idUtf8(), a.currency().getBytes(StandardCharsets.UTF_8),
            a.displayName().getBytes(StandardCharsets.UTF_8)};
    }

    private static int encodeOpened(byte[] b, int p, byte[][] texts, int group) {
        byte[] id = texts[0];
        byte[] currency = texts[1];
        byte[] name = texts[2];
        p = DecisionOut.tag(b, p, Decision.OPENED_FIELD_NUMBER, 2);
        p = DecisionOut.varint(b, p, DecisionOut.stringSize(id.length) + DecisionOut.stringSize(currency.length)
                + (group == 0 ? 0 : 1 + DecisionOut.varintSize(group)) + DecisionOut.stringSize(name.length));
        p = DecisionOut.string(b, p, AccountOpened.ACCOUNT_ID_FIELD_NUMBER, id);
        p = DecisionOut.string(b, p, AccountOpened.CURRENCY_FIELD_NUMBER, currency);
        if (group != 0) {
            p = DecisionOut.varint(b, DecisionOut.tag(b, p, AccountOpened.GROUP_FIELD_NUMBER, 0), group);
        }
        return DecisionOut.string(b, p, AccountOpened.DISPLAY_NAME_FIELD_NUMBER, name);
    }

    /**
     * Folds one journal record into the state, as {@link #decide} left it when it made that decision.
     *
     * @throws IllegalStateException if the record is not the next sequence or names an unknown account
     */
    public void apply(Decision d) {
        if (d.getSequence() != nextSequence) {
            throw new IllegalStateException("journal out of order: expected sequence " + nextSequence
                    + ", got " + d.getSequence());
        }
        // Check everything before changing anything: a record that cannot be folded leaves the state as it was
        // (and the sequence where it was), so the caller can skip it or stop without a half-applied decision.
        boolean kept = keeps(d);
        if (kept && (d.getOutcome() != Outcome.OUTCOME_APPLIED && d.getOutcome() != Outcome.OUTCOME_REJECTED)) {
            throw new IllegalStateException("decision " + d.getSequence() + " has no outcome");
        }
        int[] found = new int[d.getBalancesCount()];
        for (int i = 0; i < found.length; i++) {
            AccountBalance b = d.getBalances(i);
            byte[] id = b.getAccountId().getBytes(StandardCharsets.UTF_8);
            found[i] = accounts.find(id, 0, id.length);
            boolean opensIt = d.hasOpened() && d.getOpened().getAccountId().equals(b.getAccountId());
            if (found[i] < 0 && !opensIt) {
                throw new IllegalStateException("decision " + d.getSequence() + " names unknown account "
                        + b.getAccountId());
            }
        }
        nextSequence = d.getSequence() + 1;
        int opened = -1;
        if (d.hasOpened()) {
            AccountOpened o = d.getOpened();
            opened = accounts.put(new Account(o.getAccountId(), o.getCurrency().intern(), o.getGroup(),
                    o.getDisplayName()));
        }
        for (int i = 0; i < found.length; i++) {
            int a = found[i] < 0 ? opened : found[i]; // not found before: the account this decision opened
            accounts.touch(a, d.getBalances(i).getBalanceMinor(), d.getSequence(), d.getEventId());
        }
        if (kept) {
            ids.put(d.getEventId(), d.getBodyHash(), d.getSequence(), code(d.getOutcome(), d.getReasonCode()));
        }
    }

    /** Whether a decision records its event id: an original decision about a well-formed event. */
    public static boolean keeps(Decision d) {
        return !d.getDuplicate() && !d.getEventId().isEmpty() && d.getReasonCode() != ReasonCode.REASON_MALFORMED
                && d.getReasonCode() != ReasonCode.REASON_EVENT_ID_REUSED;
    }

    /** True once after a Snapshot event was applied (not for its duplicates on other partitions); clears it. */
    public boolean takeSnapshotRequest() {
        boolean r = snapshotRequested;
        snapshotRequested = false;
        return r;
    }

    public long nextSequence() {
        return nextSequence;
    }

    public Account account(String id) {
        return accounts.get(id);
    }

    public Map<String, Account> accounts() {
        return accounts.asMap();
    }

    public IdTable ids() {
        return ids;
    }

    /** Restores one account from a snapshot. */
    public void restoreAccount(String id, String currency, AccountGroup group, String displayName, long balanceMinor,
            long lastSequence, String lastEventId) {
        int a = accounts.put(new Account(id, currency.intern(), group, displayName));
        accounts.touch(a, balanceMinor, lastSequence, lastEventId);
    }

    /** Restores the sequence counter from a snapshot. */
    public void restoreNextSequence(long next) {
        this.nextSequence = next;
    }

    // ------------------------------------------------------------------------------------------------- rules

    private void repeat(long bodyHash) {
        int code = ids.foundCode();
        long original = ids.foundSequence();
        if (ids.foundBodyHash() != bodyHash) {
            reject(ReasonCode.REASON_EVENT_ID_REUSED, "event_id " + v.eventId()
                    + " was decided at sequence " + original + " for a different body; that decision stands");
            return;
        }
        ReasonCode r = reasonOf(code);
        duplicate = true;
        originalSequence = original;
        outcome = code >>> 5;
        reasonCode = code & 31;
        reason = "duplicate of decision " + original + (r == ReasonCode.REASON_NONE ? "" : ": " + r);
    }

    /** The index of the account the field names, or -1. */
    private int find(int field) {
        return accounts.find(v.buffer(), v.offset(field), v.length(field));
    }

    private void createAccount(String textId) {
        int found = find(CreateAccount.ACCOUNT_ID_FIELD_NUMBER);
        Account existing = found < 0 ? null : accounts.account(found);
        String id = v.text(CreateAccount.ACCOUNT_ID_FIELD_NUMBER);
        String currency = v.text(CreateAccount.CURRENCY_FIELD_NUMBER);
        AccountGroup group = AccountGroup.forNumber(v.groupValue()); // the validator allows 1..4 only
        String displayName = v.text(CreateAccount.DISPLAY_NAME_FIELD_NUMBER);
        if (existing != null) {
            if (existing.sameAttributes(currency, group, displayName)) {
                outcome = Outcome.OUTCOME_APPLIED_VALUE;
                reason = "account " + id + " already open with the same attributes";
                return;
            }
            reject(ReasonCode.REASON_ACCOUNT_EXISTS, "account " + id + " exists as "
                    + existing.currency() + " " + existing.group() + " \"" + existing.displayName() + "\"");
            return;
        }
        Account a = new Account(id, currency.intern(), group, displayName);
        int index = accounts.put(a);
        touch(index, 0, textId);
        outcome = Outcome.OUTCOME_APPLIED_VALUE;
        opened = a;
        legAccounts[0] = index;
        legFields[0] = CreateAccount.ACCOUNT_ID_FIELD_NUMBER;
        legBalances[0] = 0;
        legCount = 1;
    }

    private void topUp(String textId) {
        int account = existing("top_up.account_id", TopUp.ACCOUNT_ID_FIELD_NUMBER);
        int settlement = account < 0 ? -1
                : existing("top_up.settlement_account_id", TopUp.SETTLEMENT_ACCOUNT_ID_FIELD_NUMBER);
        if (settlement < 0) {
            return;
        }
        if (!accounts.mayGoNegative(settlement)) {
            Account s = accounts.account(settlement);
            reject(ReasonCode.REASON_NOT_SETTLEMENT_ACCOUNT, "top_up.settlement_account_id "
                    + s.id() + " is in group " + s.group() + ", not ACCOUNT_GROUP_SETTLEMENT");
            return;
        }
        int c = TopUp.CURRENCY_FIELD_NUMBER;
        if (!currency(account, c, "top_up") || !currency(settlement, c, "top_up")) {
            return;
        }
        long amount = v.amount(TopUp.AMOUNT_MINOR_FIELD_NUMBER);
        legCount = 0;
        leg(account, TopUp.ACCOUNT_ID_FIELD_NUMBER, amount);
        leg(settlement, TopUp.SETTLEMENT_ACCOUNT_ID_FIELD_NUMBER, -amount);
        applyLegs(textId);
    }

    private void transfer(String textId) {
        int payer = existing("transfer.payer_account_id", Transfer.PAYER_ACCOUNT_ID_FIELD_NUMBER);
        int payee = payer < 0 ? -1 : existing("transfer.payee_account_id", Transfer.PAYEE_ACCOUNT_ID_FIELD_NUMBER);
        if (payee < 0) {
            return;
        }
        long amount = v.amount(Transfer.AMOUNT_MINOR_FIELD_NUMBER);
        long feeMinor = v.amount(Transfer.FEE_MINOR_FIELD_NUMBER);
        long taxMinor = v.amount(Transfer.TAX_MINOR_FIELD_NUMBER);
        int fee = -1;
        int tax = -1;
        if (feeMinor > 0 && (fee = existing("transfer.fee_account_id", Transfer.FEE_ACCOUNT_ID_FIELD_NUMBER)) < 0) {
            return;
        }
        if (taxMinor > 0 && (tax = existing("transfer.tax_account_id", Transfer.TAX_ACCOUNT_ID_FIELD_NUMBER)) < 0) {
            return;
        }
        int c = Transfer.CURRENCY_FIELD_NUMBER;
        if (!currency(payer, c, "transfer") || !currency(payee, c, "transfer")
                || (fee >= 0 && !currency(fee, c, "transfer")) || (tax >= 0 && !currency(tax, c, "transfer"))) {
            return;
        }
        if (!accounts.mayGoNegative(payer) && accounts.balance(payer) < amount) {
            Account a = accounts.account(payer); // its currency is the record's (checked above), already a String
            reject(ReasonCode.REASON_INSUFFICIENT_FUNDS, "payer " + a.id() + " holds " + accounts.balance(payer)
                    + ", transfer.amount_minor is " + amount + " (" + a.currency() + " minor units)");
            return;
        }
        legCount = 0;
        leg(payer, Transfer.PAYER_ACCOUNT_ID_FIELD_NUMBER, -amount);
        // amount >= fee + tax is a stateless rule, so the payee's share is >= 0 and cannot overflow.
        leg(payee, Transfer.PAYEE_ACCOUNT_ID_FIELD_NUMBER, amount - feeMinor - taxMinor);
        if (fee >= 0) {
            leg(fee, Transfer.FEE_ACCOUNT_ID_FIELD_NUMBER, feeMinor);
        }
        if (tax >= 0) {
            leg(tax, Transfer.TAX_ACCOUNT_ID_FIELD_NUMBER, taxMinor);
        }
        applyLegs(textId);
    }

    /** Adds a delta for an account, merging legs that name the same account. */
    private void leg(int a, int field, long delta) {
        for (int i = 0; i < legCount; i++) {
            if (legAccounts[i] == a) {
                legDeltas[i] += delta; // bounded by the amounts of one valid event: cannot overflow
                return;
            }
        }
        legAccounts[legCount] = a;
        legFields[legCount] = field;
        legDeltas[legCount++] = delta;
    }

    /** All legs or none: computes every new balance exactly before changing any; the legs become the balances. */
    private void applyLegs(String textId) {
        for (int i = 0; i < legCount; i++) {
            int a = legAccounts[i];
            long before = accounts.balance(a);
            long after = before + legDeltas[i];
            if (((before ^ after) & (legDeltas[i] ^ after)) < 0) {
                reject(ReasonCode.REASON_AMOUNT_OVERFLOW, "balance of " + accounts.account(a).id()
                        + " would leave the 64-bit range: "
                        + before + " + " + legDeltas[i]);
                clearLegs();
                return;
            }
            legBalances[i] = after;
        }
        for (int i = 0; i < legCount; i++) {
            touch(legAccounts[i], legBalances[i], textId);
        }
        outcome = Outcome.OUTCOME_APPLIED_VALUE;
    }

    private void clearLegs() {
        legCount = 0;
    }

    /** Marks an account changed by the decision being made (its event id is UUID-shaped unless textId is set). */
    private void touch(int a, long balance, String textId) {
        if (textId == null) {
            accounts.touchUuid(a, balance, sequence, v.msb(), v.lsb());
        } else {
            accounts.touch(a, balance, sequence, textId);
        }
    }

    private int existing(String name, int field) {
        int a = find(field);
        if (a < 0) {
            reject(ReasonCode.REASON_ACCOUNT_NOT_FOUND, name + " not found: " + v.text(field));
        }
        return a;
    }

    private boolean currency(int a, int field, String what) {
        if (accounts.currencyEquals(a, v.buffer(), v.offset(field), v.length(field))) {
            return true;
        }
        Account account = accounts.account(a);
        reject(ReasonCode.REASON_CURRENCY_MISMATCH, "account " + account.id() + " holds " + account.currency() + ", "
                + what + ".currency is " + v.text(field));
        return false;
    }

    private void reject(ReasonCode r, String text) {
        outcome = Outcome.OUTCOME_REJECTED_VALUE;
        reasonCode = r.getNumber();
        reason = capReason(text);
    }

    /** Longest reason text, in chars: a record's own bytes echoed into a reason must never make a decision too big. */
    public static final int MAX_REASON_CHARS = 512;

    /** Cuts a reason text to {@link #MAX_REASON_CHARS} (never inside a surrogate pair), marking the cut. */
    public static String capReason(String text) {
        if (text.length() <= MAX_REASON_CHARS) {
            return text;
        }
        int cut = MAX_REASON_CHARS - 3;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + "...";
    }
}
