package dev.ledger.stress.load;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Generates valid ledger mutations for a load: a pool of customer accounts plus one fee, one tax and one
 * settlement account; a setup phase that opens them and tops every customer up; then a stream drawn from a
 * {@link Mix}. Transfers always have payer ≠ payee, a positive amount, and fee (1%) and tax (0.5%) carved
 * out of it with their accounts set. Not thread-safe: one generator per driver thread.
 */
public final class Workload {

    public static final String CURRENCY = "USD";
    public static final String FEE_ACCOUNT = "fee-0001";
    public static final String TAX_ACCOUNT = "tax-0001";
    public static final String SETTLEMENT_ACCOUNT = "settlement-0001";
    /** Every customer starts with 1,000,000.00. */
    public static final long INITIAL_BALANCE_MINOR = 100_000_000L;

    private final Supplier<String> ids;
    private final Mix mix;
    private final int accounts;
    private final String[] customerIds;
    private final SplittableRandom random;
    private long created;

    /**
     * @param ids event id source, e.g. the SDK's time-ordered ids
     * @param accounts number of customer accounts, at least 2
     */
    public Workload(Supplier<String> ids, Mix mix, int accounts, long seed) {
        if (accounts < 2) {
            throw new IllegalArgumentException("--accounts must be at least 2: " + accounts);
        }
        this.ids = ids;
        this.mix = mix;
        this.accounts = accounts;
        // Built once: String.format per event cost a third of the driver's CPU in a profile.
        this.customerIds = new String[accounts];
        for (int i = 0; i < accounts; i++) {
            customerIds[i] = customer(i);
        }
        this.random = new SplittableRandom(seed);
    }

    /** Customer account id number {@code i}. */
    public static String customer(int i) {
        return String.format("acct-%07d", i);
    }

    /** Opens the fee, tax, settlement and customer accounts, then tops each customer up. */
    public List<MutationEvent> setupEvents() {
        List<MutationEvent> events = new ArrayList<>();
        events.add(create(FEE_ACCOUNT, "Fees", AccountGroup.ACCOUNT_GROUP_FEE));
        events.add(create(TAX_ACCOUNT, "Tax", AccountGroup.ACCOUNT_GROUP_TAX));
        events.add(create(SETTLEMENT_ACCOUNT, "Settlement", AccountGroup.ACCOUNT_GROUP_SETTLEMENT));
        for (int i = 0; i < accounts; i++) {
            events.add(create(customer(i), "Customer " + i, AccountGroup.ACCOUNT_GROUP_CUSTOMER));
        }
        for (int i = 0; i < accounts; i++) {
            events.add(topUp(customer(i), INITIAL_BALANCE_MINOR));
        }
        return events;
    }

    /** The next event of the mix. */
    public MutationEvent next() {
        return switch (mix.pick(random.nextInt(mix.total()))) {
            case CREATE -> create(String.format("acct-new-%09d", created++), "New customer",
                    AccountGroup.ACCOUNT_GROUP_CUSTOMER);
            case TOP_UP -> topUp(customerIds[random.nextInt(accounts)], 100_00L);
            case TRANSFER -> randomTransfer();
            case SNAPSHOT -> MutationEvent.newBuilder().setEventId(ids.get())
                    .setSnapshot(Snapshot.newBuilder().setLabel("stress")).build();
        };
    }

    private MutationEvent randomTransfer() {
        int payer = random.nextInt(accounts);
        int payee = random.nextInt(accounts - 1);
        if (payee >= payer) {
            payee++;
        }
        long amount = 100 + random.nextInt(9_901);
        return transfer(ids.get(), customerIds[payer], customerIds[payee], amount, amount / 100, amount / 200);
    }

    private MutationEvent create(String account, String name, AccountGroup group) {
        return MutationEvent.newBuilder().setEventId(ids.get()).setCreateAccount(CreateAccount.newBuilder()
                .setAccountId(account).setCurrency(CURRENCY).setDisplayName(name).setGroup(group)).build();
    }

    private MutationEvent topUp(String account, long amountMinor) {
        return MutationEvent.newBuilder().setEventId(ids.get()).setTopUp(TopUp.newBuilder().setAccountId(account)
                .setSettlementAccountId(SETTLEMENT_ACCOUNT).setAmountMinor(amountMinor).setCurrency(CURRENCY))
                .build();
    }

    /** A transfer with the fee and tax carved out of the amount, to the standard fee and tax accounts. */
    public static MutationEvent transfer(String eventId, String payer, String payee, long amountMinor,
            long feeMinor, long taxMinor) {
        return MutationEvent.newBuilder().setEventId(eventId).setTransfer(Transfer.newBuilder()
                .setPayerAccountId(payer).setPayeeAccountId(payee).setAmountMinor(amountMinor)
                .setFeeMinor(feeMinor).setFeeAccountId(FEE_ACCOUNT).setTaxMinor(taxMinor)
                .setTaxAccountId(TAX_ACCOUNT).setCurrency(CURRENCY)).build();
    }

    /** The Kafka key the server uses for an event (the proto's rule); empty for a snapshot. */
    public static String keyOf(MutationEvent e) {
        return switch (e.getBodyCase()) {
            case CREATE_ACCOUNT -> e.getCreateAccount().getAccountId();
            case TOP_UP -> e.getTopUp().getAccountId();
            case TRANSFER -> e.getTransfer().getPayerAccountId();
            default -> "";
        };
    }
}
