package dev.ledger.core.rules;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ledger's rules written again as plainly as possible, from the rules table rather than from {@link Ledger}:
 * maps of accounts and balances, balances as {@link BigInteger} checked against the 64-bit range, the body compared
 * as the event's bytes without its id. Only the stateless checks are shared ({@link EventValidator}, tested on its own).
 */
final class ReferenceLedger {

    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    record Opened(String currency, AccountGroup group, String name) {
    }

    record Seen(ByteString body, Outcome outcome, ReasonCode reason, long sequence) {
    }

    record Verdict(Outcome outcome, ReasonCode reason, boolean duplicate, long originalSequence) {

        static Verdict applied() {
            return new Verdict(Outcome.OUTCOME_APPLIED, ReasonCode.REASON_NONE, false, 0);
        }

        static Verdict rejected(ReasonCode reason) {
            return new Verdict(Outcome.OUTCOME_REJECTED, reason, false, 0);
        }
    }

    final Map<String, Opened> accounts = new HashMap<>();
    final Map<String, BigInteger> balances = new HashMap<>();
    private final Map<String, Seen> seen = new HashMap<>();
    private final EventValidator validator = new EventValidator();
    private long sequence;

    Verdict decide(byte[] value) {
        long mySequence = sequence++;
        MutationEvent event;
        try {
            event = MutationEvent.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return Verdict.rejected(ReasonCode.REASON_MALFORMED);
        }
        if (validator.validate(event) != null) {
            return Verdict.rejected(ReasonCode.REASON_MALFORMED);
        }
        ByteString body = event.toBuilder().clearEventId().build().toByteString();
        Seen before = seen.get(event.getEventId());
        if (before != null) {
            return before.body().equals(body)
                    ? new Verdict(before.outcome(), before.reason(), true, before.sequence())
                    : Verdict.rejected(ReasonCode.REASON_EVENT_ID_REUSED);
        }
        Verdict v = switch (event.getBodyCase()) {
            case CREATE_ACCOUNT -> create(event.getCreateAccount());
            case TOP_UP -> topUp(event.getTopUp());
            case TRANSFER -> transfer(event.getTransfer());
            default -> Verdict.applied();
        };
        seen.put(event.getEventId(), new Seen(body, v.outcome(), v.reason(), mySequence));
        return v;
    }

    private Verdict create(CreateAccount c) {
        Opened wanted = new Opened(c.getCurrency(), c.getGroup(), c.getDisplayName());
        Opened existing = accounts.get(c.getAccountId());
        if (existing == null) {
            accounts.put(c.getAccountId(), wanted);
            balances.put(c.getAccountId(), BigInteger.ZERO);
            return Verdict.applied();
        }
        return existing.equals(wanted) ? Verdict.applied() : Verdict.rejected(ReasonCode.REASON_ACCOUNT_EXISTS);
    }

    private Verdict topUp(TopUp t) {
        if (!accounts.containsKey(t.getAccountId()) || !accounts.containsKey(t.getSettlementAccountId())) {
            return Verdict.rejected(ReasonCode.REASON_ACCOUNT_NOT_FOUND);
        }
        if (accounts.get(t.getSettlementAccountId()).group() != AccountGroup.ACCOUNT_GROUP_SETTLEMENT) {
            return Verdict.rejected(ReasonCode.REASON_NOT_SETTLEMENT_ACCOUNT);
        }
        if (!accounts.get(t.getAccountId()).currency().equals(t.getCurrency())
                || !accounts.get(t.getSettlementAccountId()).currency().equals(t.getCurrency())) {
            return Verdict.rejected(ReasonCode.REASON_CURRENCY_MISMATCH);
        }
        Map<String, BigInteger> deltas = new LinkedHashMap<>();
        deltas.merge(t.getAccountId(), BigInteger.valueOf(t.getAmountMinor()), BigInteger::add);
        deltas.merge(t.getSettlementAccountId(), BigInteger.valueOf(-t.getAmountMinor()), BigInteger::add);
        return post(deltas);
    }

    private Verdict transfer(Transfer t) {
        Map<String, BigInteger> deltas = new LinkedHashMap<>();
        deltas.merge(t.getPayerAccountId(), BigInteger.valueOf(-t.getAmountMinor()), BigInteger::add);
        deltas.merge(t.getPayeeAccountId(),
                BigInteger.valueOf(t.getAmountMinor() - t.getFeeMinor() - t.getTaxMinor()), BigInteger::add);
        if (t.getFeeMinor() > 0) {
            deltas.merge(t.getFeeAccountId(), BigInteger.valueOf(t.getFeeMinor()), BigInteger::add);
        }
        if (t.getTaxMinor() > 0) {
            deltas.merge(t.getTaxAccountId(), BigInteger.valueOf(t.getTaxMinor()), BigInteger::add);
        }
        for (String id : deltas.keySet()) {
            if (!accounts.containsKey(id)) {
                return Verdict.rejected(ReasonCode.REASON_ACCOUNT_NOT_FOUND);
            }
        }
        for (String id : deltas.keySet()) {
            if (!accounts.get(id).currency().equals(t.getCurrency())) {
                return Verdict.rejected(ReasonCode.REASON_CURRENCY_MISMATCH);
            }
        }
        if (accounts.get(t.getPayerAccountId()).group() != AccountGroup.ACCOUNT_GROUP_SETTLEMENT
                && balances.get(t.getPayerAccountId()).compareTo(BigInteger.valueOf(t.getAmountMinor())) < 0) {
            return Verdict.rejected(ReasonCode.REASON_INSUFFICIENT_FUNDS);
        }
        return post(deltas);
    }

    private Verdict post(Map<String, BigInteger> deltas) {
        Map<String, BigInteger> after = new HashMap<>();
        for (Map.Entry<String, BigInteger> e : deltas.entrySet()) {
            BigInteger b = balances.get(e.getKey()).add(e.getValue());
            if (b.compareTo(MIN) < 0 || b.compareTo(MAX) > 0) {
                return Verdict.rejected(ReasonCode.REASON_AMOUNT_OVERFLOW);
            }
            after.put(e.getKey(), b);
        }
        balances.putAll(after);
        return Verdict.applied();
    }
}
