package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random mutation streams over a small universe (EUR and USD customers, fee, tax and settlement accounts, and one
 * account that is never opened), with overdraft attempts, amounts near the 64-bit limit, duplicates, reused ids,
 * other spellings of earlier ids and garbage bytes. After every decision: each currency sums to zero, no
 * non-settlement balance is below zero, no event id is applied twice, a follower folding the journal (through its
 * bytes) holds exactly the decider's state, and {@link ReferenceLedger} reaches the same verdict and balances.
 */
class LedgerPropertyTest {

    private record Spec(String id, String currency, AccountGroup group) {
    }

    /** The universe; the last account is never opened. */
    private static final List<Spec> ACCOUNTS = List.of(
            new Spec("c1", "EUR", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
            new Spec("c2", "EUR", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
            new Spec("c3", "USD", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
            new Spec("c4", "USD", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
            new Spec("feeE", "EUR", AccountGroup.ACCOUNT_GROUP_FEE),
            new Spec("feeU", "USD", AccountGroup.ACCOUNT_GROUP_FEE),
            new Spec("taxE", "EUR", AccountGroup.ACCOUNT_GROUP_TAX),
            new Spec("taxU", "USD", AccountGroup.ACCOUNT_GROUP_TAX),
            new Spec("bankE", "EUR", AccountGroup.ACCOUNT_GROUP_SETTLEMENT),
            new Spec("bankU", "USD", AccountGroup.ACCOUNT_GROUP_SETTLEMENT),
            new Spec("ghost", "EUR", AccountGroup.ACCOUNT_GROUP_CUSTOMER));
    private static final int OPENABLE = ACCOUNTS.size() - 1;

    enum Kind { CREATE, CREATE_OTHER_ATTRIBUTES, TOP_UP, TRANSFER, SNAPSHOT, GARBAGE, RESEND, REUSE }

    /** One step; the ints pick accounts, legs, ids and earlier records, so a shrunk stream stays meaningful. */
    record Step(Kind kind, int a, int b, int c, int d, long amount, int idKind, int ref) {
    }

    private static final Set<ReasonCode> REASONS_SEEN = EnumSet.noneOf(ReasonCode.class);
    private static int duplicatesSeen;

    @Provide
    Arbitrary<Step> steps() {
        Arbitrary<Kind> kind = Arbitraries.frequency(
                Tuple.of(12, Kind.CREATE), Tuple.of(2, Kind.CREATE_OTHER_ATTRIBUTES), Tuple.of(20, Kind.TOP_UP),
                Tuple.of(45, Kind.TRANSFER), Tuple.of(1, Kind.SNAPSHOT), Tuple.of(3, Kind.GARBAGE),
                Tuple.of(10, Kind.RESEND), Tuple.of(5, Kind.REUSE));
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 99);
        Arbitrary<Long> amount = Arbitraries.frequencyOf(
                Tuple.of(73, Arbitraries.longs().between(1, 2_000)),
                Tuple.of(12, Arbitraries.longs().between(1, 20)),
                Tuple.of(15, Arbitraries.longs().between(Long.MAX_VALUE / 2, Long.MAX_VALUE)));
        return Combinators.combine(kind, pick, pick, pick, pick, amount, pick, Arbitraries.integers().between(0, 9_999))
                .as(Step::new);
    }

    @Provide
    Arbitrary<List<Step>> streams() {
        return steps().list().ofMinSize(5).ofMaxSize(120).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(tries = 150, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void everyDecisionKeepsTheInvariantsAndMatchesTheReference(@ForAll @IntRange(max = 10) int openedFirst,
            @ForAll("streams") List<Step> generated) throws Exception {
        List<Step> steps = new ArrayList<>(preamble(openedFirst));
        steps.addAll(generated);
        Ledger ledger = new Ledger();
        Ledger follower = new Ledger();
        ReferenceLedger reference = new ReferenceLedger();
        Streams stream = new Streams();
        List<Decision> journal = new ArrayList<>();
        Map<String, Integer> appliedPerId = new HashMap<>();

        for (int i = 0; i < steps.size(); i++) {
            byte[] value = stream.next(steps.get(i));
            Decision d = ledger.decide(value, i % 3, i);
            journal.add(d);
            ReferenceLedger.Verdict expected = reference.decide(value);
            REASONS_SEEN.add(d.getReasonCode());
            Statistics.collect(d.getDuplicate() ? "duplicate" : d.getReasonCode());

            assertThat(d.getSequence()).isEqualTo(i);
            assertThat(new ReferenceLedger.Verdict(d.getOutcome(), d.getReasonCode(), d.getDuplicate(),
                    d.getOriginalSequence())).as("step %d: %s", i, steps.get(i)).isEqualTo(expected);
            if (d.getDuplicate()) {
                duplicatesSeen++;
                assertThat(d.getBalancesList()).isEmpty();
            }
            if (d.getOutcome() == Outcome.OUTCOME_APPLIED && !d.getDuplicate()) {
                assertThat(appliedPerId.merge(d.getEventId(), 1, Integer::sum)).as("applications of %s", d.getEventId())
                        .isEqualTo(1);
            }
            for (AccountBalance b : d.getBalancesList()) {
                assertThat(ledger.account(b.getAccountId()).balanceMinor()).isEqualTo(b.getBalanceMinor());
            }
            assertBalancesHold(ledger);
            assertThat(balancesOf(ledger)).isEqualTo(reference.balances);

            follower.apply(Decision.parseFrom(d.toByteArray()));
            assertThat(LedgerState.of(follower)).isEqualTo(LedgerState.of(ledger));
        }

        Ledger folded = new Ledger();
        journal.forEach(folded::apply);
        assertThat(LedgerState.of(folded)).isEqualTo(LedgerState.of(ledger));
    }

    /** Opens the first accounts of the universe and funds its customers, so that most streams reach the money rules. */
    private static List<Step> preamble(int opened) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < opened; i++) {
            steps.add(new Step(Kind.CREATE, i, 0, 0, 1, 1, 50, 0));
        }
        for (int i = 0; i < Math.min(opened, 4); i++) { // customers c1..c4 from their own currency's bank
            steps.add(new Step(Kind.TOP_UP, i, 1, 0, 1, 5_000, 50, 0));
        }
        return steps;
    }

    @AfterContainer
    static void everyReasonCodeAndDuplicatesWereGenerated() {
        Set<ReasonCode> all = EnumSet.allOf(ReasonCode.class);
        all.remove(ReasonCode.UNRECOGNIZED);
        assertThat(REASONS_SEEN).as("reason codes the generator reached").isEqualTo(all);
        assertThat(duplicatesSeen).isPositive();
    }

    private static void assertBalancesHold(Ledger ledger) {
        Map<String, BigInteger> sums = new TreeMap<>();
        for (Account a : ledger.accounts().values()) {
            sums.merge(a.currency(), BigInteger.valueOf(a.balanceMinor()), BigInteger::add);
            if (a.group() != AccountGroup.ACCOUNT_GROUP_SETTLEMENT) {
                assertThat(a.balanceMinor()).as("balance of %s", a.id()).isNotNegative();
            }
        }
        sums.forEach((currency, sum) -> assertThat(sum).as("sum of %s balances", currency).isZero());
    }

    private static Map<String, BigInteger> balancesOf(Ledger ledger) {
        Map<String, BigInteger> m = new HashMap<>();
        ledger.accounts().forEach((id, a) -> m.put(id, BigInteger.valueOf(a.balanceMinor())));
        return m;
    }

    /** Turns steps into record values, remembering what was sent so far for resends and reuses. */
    private static final class Streams {

        private final List<byte[]> sent = new ArrayList<>();
        private final List<String> uuidIds = new ArrayList<>();
        private int fresh;

        byte[] next(Step s) {
            byte[] value = switch (s.kind()) {
                case RESEND -> sent.isEmpty() ? garbage(s) : sent.get(s.ref() % sent.size());
                case REUSE -> transfer(earlierId(s), s);
                case GARBAGE -> garbage(s);
                default -> body(s).setEventId(newId(s)).build().toByteArray();
            };
            sent.add(value);
            return value;
        }

        private MutationEvent.Builder body(Step s) {
            Spec a = ACCOUNTS.get(s.a() % ACCOUNTS.size());
            Spec b = ACCOUNTS.get(s.b() % ACCOUNTS.size());
            return switch (s.kind()) {
                case CREATE -> {
                    Spec opened = ACCOUNTS.get(s.a() % OPENABLE);
                    yield create(opened.id(), opened.currency(), opened.group(), "name of " + opened.id());
                }
                case CREATE_OTHER_ATTRIBUTES -> create(a.id(), s.c() % 2 == 0 ? "EUR" : "USD",
                        AccountGroup.forNumber(1 + s.d() % 4), s.b() % 2 == 0 ? "name of " + a.id() : "other");
                case TOP_UP -> MutationEvent.newBuilder().setTopUp(dev.ledger.proto.TopUp.newBuilder()
                        .setAccountId(a.id()).setSettlementAccountId(s.b() % 4 == 0 ? b.id() : settlement(a))
                        .setAmountMinor(s.amount()).setCurrency(currency(s, a)));
                case SNAPSHOT -> MutationEvent.newBuilder().setSnapshot(dev.ledger.proto.Snapshot.newBuilder()
                        .setLabel("s" + s.ref()));
                default -> MutationEvent.newBuilder().setTransfer(transferBody(s));
            };
        }

        private static MutationEvent.Builder create(String id, String currency, AccountGroup group, String name) {
            return MutationEvent.newBuilder().setCreateAccount(dev.ledger.proto.CreateAccount.newBuilder()
                    .setAccountId(id).setCurrency(currency).setGroup(group).setDisplayName(name));
        }

        private static String settlement(Spec account) {
            return account.currency().equals("EUR") ? "bankE" : "bankU";
        }

        /** Mostly the first account's currency, sometimes the other one. */
        private static String currency(Step s, Spec account) {
            boolean other = s.d() % 7 == 0;
            return account.currency().equals("EUR") != other ? "EUR" : "USD";
        }

        private static dev.ledger.proto.Transfer.Builder transferBody(Step s) {
            Spec payer = ACCOUNTS.get(s.a() % ACCOUNTS.size());
            Spec payee = ACCOUNTS.get(s.b() % ACCOUNTS.size());
            long amount = s.amount();
            dev.ledger.proto.Transfer.Builder t = dev.ledger.proto.Transfer.newBuilder()
                    .setPayerAccountId(payer.id()).setPayeeAccountId(payee.id()).setAmountMinor(amount)
                    .setCurrency(currency(s, payer));
            if (s.c() % 3 != 0) { // a fee leg: usually the payer currency's fee account, sometimes any account
                long fee = Math.max(1, amount / 100 * (s.c() % 10));
                t.setFeeMinor(Math.min(fee, amount / 2)).setFeeAccountId(s.c() % 5 == 0
                        ? ACCOUNTS.get(s.c() % ACCOUNTS.size()).id() : payer.currency().equals("EUR") ? "feeE" : "feeU");
            }
            if (s.d() % 3 != 0) {
                long tax = Math.max(1, amount / 200 * (s.d() % 10));
                t.setTaxMinor(Math.min(tax, amount / 2)).setTaxAccountId(s.d() % 5 == 0
                        ? ACCOUNTS.get(s.d() % ACCOUNTS.size()).id() : payer.currency().equals("EUR") ? "taxE" : "taxU");
            }
            return t;
        }

        private static byte[] transfer(String eventId, Step s) {
            return MutationEvent.newBuilder().setEventId(eventId).setTransfer(transferBody(s)).build().toByteArray();
        }

        private String earlierId(Step s) {
            for (int i = 0; i < sent.size(); i++) {
                byte[] earlier = sent.get((s.ref() + i) % sent.size());
                try {
                    String id = MutationEvent.parseFrom(earlier).getEventId();
                    if (!id.isEmpty()) {
                        return id;
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    // garbage: try the next one
                }
            }
            return newId(s);
        }

        /** Mostly fresh UUIDs; also text ids, the upper-case spelling of an earlier UUID, or a near twin of it. */
        private String newId(Step s) {
            int n = fresh++;
            if (s.idKind() < 20) {
                return "evt-" + n;
            }
            if (s.idKind() < 28 && !uuidIds.isEmpty()) {
                return uuidIds.get(s.ref() % uuidIds.size()).toUpperCase();
            }
            if (s.idKind() < 34 && !uuidIds.isEmpty()) { // differs from an earlier one in the first hex digit only
                String earlier = uuidIds.get(s.ref() % uuidIds.size());
                String twin = (earlier.charAt(0) == 'f' ? "0" : "f") + earlier.substring(1);
                uuidIds.add(twin);
                return twin;
            }
            String id = new UUID(n * 0x9E3779B97F4A7C15L, ~n * 0xC2B2AE3D27D4EB4FL).toString();
            uuidIds.add(id);
            return id;
        }

        private static byte[] garbage(Step s) {
            byte[] g = new byte[1 + s.a() % 12];
            for (int i = 0; i < g.length; i++) {
                g[i] = (byte) (s.ref() * 31 + i * s.b() + 0x80);
            }
            return g;
        }
    }
}
