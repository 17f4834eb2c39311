package dev.ledger.core.rules;

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
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Test-only copy of {@link Ledger} as it was before the hot path (decideInto): the reference whose Decision bytes
 * the new implementation must reproduce exactly. Its own account and id classes keep it independent of the new ones.
 *
 * <p>The ledger's state machine: accounts, balances and every decided event id, changed only by {@link #decide} (a
 * mutation record in, one {@link Decision} out) or by {@link #apply} (a journal record folded back in on recovery or
 * by a standby). Deterministic: the same records in the same order give the same decisions, byte for byte, and
 * folding those decisions gives the same state. The rules and reason codes are tabled in docs/CORE.md.
 *
 * <p>Not thread-safe: one thread owns a ledger (the core's loop); queries are handed to that thread.
 */
final class LegacyLedger {

    private final Map<String, LegacyAccount> accounts = new HashMap<>();
    private final LegacyIds ids = new LegacyIds();
    private final LegacyEventValidator validator = new LegacyEventValidator();
    private long nextSequence;
    private boolean snapshotRequested;

    // Scratch space of one decision's legs (at most payer, payee, fee, tax); single-threaded, so reused.
    private final LegacyAccount[] legAccounts = new LegacyAccount[4];
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
        Decision.Builder d = Decision.newBuilder().setSequence(nextSequence++)
                .setMutationPartition(partition).setMutationOffset(offset);
        MutationEvent event;
        try {
            event = MutationEvent.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return reject(d, ReasonCode.REASON_MALFORMED, "value does not parse as a MutationEvent: " + e.getMessage())
                    .build();
        }
        String invalid = validator.validate(event);
        if (invalid != null) {
            if (event.getEventId().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    <= EventValidator.MAX_EVENT_ID_BYTES) {
                d.setEventId(event.getEventId());
            }
            return reject(d, ReasonCode.REASON_MALFORMED, invalid).build();
        }
        String eventId = event.getEventId();
        d.setEventId(eventId);
        long bodyHash = LegacyBodyHash.of(value);
        if (ids.lookup(eventId)) {
            return repeat(d, eventId, bodyHash).build();
        }
        d.setBodyHash(bodyHash);
        switch (event.getBodyCase()) {
            case CREATE_ACCOUNT -> createAccount(d, event.getCreateAccount());
            case TOP_UP -> topUp(d, event.getTopUp());
            case TRANSFER -> transfer(d, event.getTransfer());
            default -> { // SNAPSHOT: the caller snapshots after this decision
                d.setOutcome(Outcome.OUTCOME_APPLIED);
                snapshotRequested = true;
            }
        }
        ids.put(eventId, bodyHash, d.getSequence(), code(d.getOutcome(), d.getReasonCode()));
        return d.build();
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
        nextSequence = d.getSequence() + 1;
        if (d.hasOpened()) {
            AccountOpened o = d.getOpened();
            accounts.put(o.getAccountId(), new LegacyAccount(o.getAccountId(), o.getCurrency().intern(), o.getGroup(),
                    o.getDisplayName()));
        }
        for (AccountBalance b : d.getBalancesList()) {
            LegacyAccount a = accounts.get(b.getAccountId());
            if (a == null) {
                throw new IllegalStateException("decision " + d.getSequence() + " names unknown account "
                        + b.getAccountId());
            }
            touch(a, b.getBalanceMinor(), d.getSequence(), d.getEventId());
        }
        if (keeps(d)) {
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

    public LegacyAccount account(String id) {
        return accounts.get(id);
    }

    public Map<String, LegacyAccount> accounts() {
        return Collections.unmodifiableMap(accounts);
    }

    /** Restores one account from a snapshot. */
    public void restoreAccount(String id, String currency, AccountGroup group, String displayName, long balanceMinor,
            long lastSequence, String lastEventId) {
        LegacyAccount a = new LegacyAccount(id, currency.intern(), group, displayName);
        a.balanceMinor = balanceMinor;
        a.lastSequence = lastSequence;
        a.lastEventId = lastEventId;
        accounts.put(id, a);
    }

    /** Restores the sequence counter from a snapshot. */
    public void restoreNextSequence(long next) {
        this.nextSequence = next;
    }

    // ------------------------------------------------------------------------------------------------- rules

    private Decision.Builder repeat(Decision.Builder d, String eventId, long bodyHash) {
        int code = ids.foundCode();
        long original = ids.foundSequence();
        if (ids.foundBodyHash() != bodyHash) {
            return reject(d, ReasonCode.REASON_EVENT_ID_REUSED, "event_id " + eventId
                    + " was decided at sequence " + original + " for a different body; that decision stands");
        }
        ReasonCode reason = reasonOf(code);
        return d.setDuplicate(true).setOriginalSequence(original).setOutcome(outcomeOf(code)).setReasonCode(reason)
                .setReason("duplicate of decision " + original + (reason == ReasonCode.REASON_NONE ? "" : ": " + reason));
    }

    private void createAccount(Decision.Builder d, CreateAccount c) {
        LegacyAccount existing = accounts.get(c.getAccountId());
        if (existing != null) {
            if (existing.sameAttributes(c.getCurrency(), c.getGroup(), c.getDisplayName())) {
                d.setOutcome(Outcome.OUTCOME_APPLIED).setReason("account " + c.getAccountId()
                        + " already open with the same attributes");
                return;
            }
            reject(d, ReasonCode.REASON_ACCOUNT_EXISTS, "account " + c.getAccountId() + " exists as "
                    + existing.currency() + " " + existing.group() + " \"" + existing.displayName() + "\"");
            return;
        }
        LegacyAccount a = new LegacyAccount(c.getAccountId(), c.getCurrency().intern(), c.getGroup(), c.getDisplayName());
        accounts.put(a.id(), a);
        touch(a, 0, d.getSequence(), d.getEventId());
        d.setOutcome(Outcome.OUTCOME_APPLIED)
                .setOpened(AccountOpened.newBuilder().setAccountId(a.id()).setCurrency(a.currency())
                        .setGroup(a.group()).setDisplayName(a.displayName()))
                .addBalances(AccountBalance.newBuilder().setAccountId(a.id()).setBalanceMinor(0));
    }

    private void topUp(Decision.Builder d, TopUp t) {
        LegacyAccount account = existing(d, "top_up.account_id", t.getAccountId());
        LegacyAccount settlement = account == null ? null
                : existing(d, "top_up.settlement_account_id", t.getSettlementAccountId());
        if (settlement == null) {
            return;
        }
        if (settlement.group() != AccountGroup.ACCOUNT_GROUP_SETTLEMENT) {
            reject(d, ReasonCode.REASON_NOT_SETTLEMENT_ACCOUNT, "top_up.settlement_account_id "
                    + settlement.id() + " is in group " + settlement.group() + ", not ACCOUNT_GROUP_SETTLEMENT");
            return;
        }
        if (!currency(d, account, t.getCurrency(), "top_up") || !currency(d, settlement, t.getCurrency(), "top_up")) {
            return;
        }
        legCount = 0;
        leg(account, t.getAmountMinor());
        leg(settlement, -t.getAmountMinor());
        applyLegs(d);
    }

    private void transfer(Decision.Builder d, Transfer t) {
        LegacyAccount payer = existing(d, "transfer.payer_account_id", t.getPayerAccountId());
        LegacyAccount payee = payer == null ? null : existing(d, "transfer.payee_account_id", t.getPayeeAccountId());
        if (payee == null) {
            return;
        }
        LegacyAccount fee = null;
        LegacyAccount tax = null;
        if (t.getFeeMinor() > 0 && (fee = existing(d, "transfer.fee_account_id", t.getFeeAccountId())) == null) {
            return;
        }
        if (t.getTaxMinor() > 0 && (tax = existing(d, "transfer.tax_account_id", t.getTaxAccountId())) == null) {
            return;
        }
        String c = t.getCurrency();
        if (!currency(d, payer, c, "transfer") || !currency(d, payee, c, "transfer")
                || (fee != null && !currency(d, fee, c, "transfer")) || (tax != null && !currency(d, tax, c, "transfer"))) {
            return;
        }
        if (!payer.mayGoNegative() && payer.balanceMinor < t.getAmountMinor()) {
            reject(d, ReasonCode.REASON_INSUFFICIENT_FUNDS, "payer " + payer.id() + " holds " + payer.balanceMinor
                    + ", transfer.amount_minor is " + t.getAmountMinor() + " (" + c + " minor units)");
            return;
        }
        legCount = 0;
        leg(payer, -t.getAmountMinor());
        // amount >= fee + tax is a stateless rule, so the payee's share is >= 0 and cannot overflow.
        leg(payee, t.getAmountMinor() - t.getFeeMinor() - t.getTaxMinor());
        if (fee != null) {
            leg(fee, t.getFeeMinor());
        }
        if (tax != null) {
            leg(tax, t.getTaxMinor());
        }
        applyLegs(d);
    }

    /** Adds a delta for an account, merging legs that name the same account. */
    private void leg(LegacyAccount a, long delta) {
        for (int i = 0; i < legCount; i++) {
            if (legAccounts[i] == a) {
                legDeltas[i] += delta; // bounded by the amounts of one valid event: cannot overflow
                return;
            }
        }
        legAccounts[legCount] = a;
        legDeltas[legCount++] = delta;
    }

    /** All legs or none: computes every new balance exactly before changing any. */
    private void applyLegs(Decision.Builder d) {
        for (int i = 0; i < legCount; i++) {
            LegacyAccount a = legAccounts[i];
            try {
                legBalances[i] = Math.addExact(a.balanceMinor, legDeltas[i]);
            } catch (ArithmeticException e) {
                reject(d, ReasonCode.REASON_AMOUNT_OVERFLOW, "balance of " + a.id() + " would leave the 64-bit range: "
                        + a.balanceMinor + " + " + legDeltas[i]);
                clearLegs();
                return;
            }
        }
        for (int i = 0; i < legCount; i++) {
            LegacyAccount a = legAccounts[i];
            touch(a, legBalances[i], d.getSequence(), d.getEventId());
            d.addBalances(AccountBalance.newBuilder().setAccountId(a.id()).setBalanceMinor(legBalances[i]));
        }
        d.setOutcome(Outcome.OUTCOME_APPLIED);
        clearLegs();
    }

    private void clearLegs() {
        for (int i = 0; i < legCount; i++) {
            legAccounts[i] = null;
        }
        legCount = 0;
    }

    private static void touch(LegacyAccount a, long balance, long sequence, String eventId) {
        a.balanceMinor = balance;
        a.lastSequence = sequence;
        a.lastEventId = eventId;
    }

    private LegacyAccount existing(Decision.Builder d, String field, String id) {
        LegacyAccount a = accounts.get(id);
        if (a == null) {
            reject(d, ReasonCode.REASON_ACCOUNT_NOT_FOUND, field + " not found: " + id);
        }
        return a;
    }

    private static boolean currency(Decision.Builder d, LegacyAccount a, String currency, String what) {
        if (a.currency().equals(currency)) {
            return true;
        }
        reject(d, ReasonCode.REASON_CURRENCY_MISMATCH, "account " + a.id() + " holds " + a.currency() + ", "
                + what + ".currency is " + currency);
        return false;
    }

    private static Decision.Builder reject(Decision.Builder d, ReasonCode reason, String text) {
        return d.setOutcome(Outcome.OUTCOME_REJECTED).setReasonCode(reason).setReason(Ledger.capReason(text));
    }
    /** The account of the old implementation. */
    static final class LegacyAccount {
        private final String id;
        private final String currency;
        private final AccountGroup group;
        private final String displayName;
        long balanceMinor;
        long lastSequence = -1;
        String lastEventId = "";

        LegacyAccount(String id, String currency, AccountGroup group, String displayName) {
            this.id = id;
            this.currency = currency;
            this.group = group;
            this.displayName = displayName;
        }

        String id() {
            return id;
        }

        String currency() {
            return currency;
        }

        AccountGroup group() {
            return group;
        }

        String displayName() {
            return displayName;
        }

        boolean mayGoNegative() {
            return group == AccountGroup.ACCOUNT_GROUP_SETTLEMENT;
        }

        boolean sameAttributes(String currency, AccountGroup group, String displayName) {
            return this.currency.equals(currency) && this.group == group && this.displayName.equals(displayName);
        }
    }

    /** Kept ids as a plain map (the old IdTable's semantics without its layout). */
    static final class LegacyIds {
        private record Kept(long bodyHash, long sequence, int code) {
        }

        private final Map<String, Kept> kept = new HashMap<>();
        private Kept found;

        boolean lookup(String id) {
            found = kept.get(id);
            return found != null;
        }

        long foundBodyHash() {
            return found.bodyHash;
        }

        long foundSequence() {
            return found.sequence;
        }

        int foundCode() {
            return found.code;
        }

        void put(String id, long bodyHash, long sequence, int code) {
            kept.put(id, new Kept(bodyHash, sequence, code));
        }

        int size() {
            return kept.size();
        }
    }
}
