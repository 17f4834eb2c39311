package dev.ledger.jmh;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic mutation record values, encoded as the SDK sends them: a prefix that opens {@code accounts} customers
 * (plus a few fee, tax and settlement accounts) and tops each customer up, then transfers between random customers,
 * each with a fee and a tax leg, of which about {@code overdraftPercent} % ask more than any customer holds. Event ids
 * are random UUIDs in canonical form. Deterministic for a given seed.
 */
final class Workload {

    static final String CURRENCY = "EUR";
    static final int SIDE_ACCOUNTS = 8; // of each of fee, tax and settlement
    static final long TOP_UP_MINOR = 10_000_000;

    private final SplittableRandom random;
    private final int accounts;

    Workload(long seed, int accounts) {
        this.random = new SplittableRandom(seed);
        this.accounts = accounts;
    }

    static String customer(int i) {
        return "cust-" + i;
    }

    /** The records that open every account and fund every customer, in order. */
    byte[][] prefix() {
        byte[][] values = new byte[3 * SIDE_ACCOUNTS + 2 * accounts][];
        int n = 0;
        for (int i = 0; i < SIDE_ACCOUNTS; i++) {
            values[n++] = create("fee-" + i, AccountGroup.ACCOUNT_GROUP_FEE, "Fees " + i);
            values[n++] = create("tax-" + i, AccountGroup.ACCOUNT_GROUP_TAX, "Tax " + i);
            values[n++] = create("bank-" + i, AccountGroup.ACCOUNT_GROUP_SETTLEMENT, "Bank " + i);
        }
        for (int i = 0; i < accounts; i++) {
            values[n++] = create(customer(i), AccountGroup.ACCOUNT_GROUP_CUSTOMER, "Customer " + i);
        }
        for (int i = 0; i < accounts; i++) {
            values[n++] = event().setTopUp(TopUp.newBuilder().setAccountId(customer(i))
                    .setSettlementAccountId("bank-" + (i % SIDE_ACCOUNTS)).setAmountMinor(TOP_UP_MINOR)
                    .setCurrency(CURRENCY)).build().toByteArray();
        }
        return values;
    }

    /** {@code count} transfers with fee and tax; about {@code overdraftPercent} % overdraw their payer. */
    byte[][] transfers(int count, int overdraftPercent) {
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            values[i] = transfer(overdraftPercent);
        }
        return values;
    }

    byte[] transfer(int overdraftPercent) {
        int payer = random.nextInt(accounts);
        int payee = (payer + 1 + random.nextInt(accounts - 1)) % accounts;
        long amount = random.nextInt(100) < overdraftPercent ? 1_000_000_000_000L : 100 + random.nextInt(20_000);
        long fee = amount / 100;
        long tax = amount / 200;
        int side = random.nextInt(SIDE_ACCOUNTS);
        return event().setTransfer(Transfer.newBuilder().setPayerAccountId(customer(payer))
                .setPayeeAccountId(customer(payee)).setAmountMinor(amount).setFeeMinor(fee)
                .setFeeAccountId("fee-" + side).setTaxMinor(tax).setTaxAccountId("tax-" + side)
                .setCurrency(CURRENCY)).build().toByteArray();
    }

    byte[] create(String id, AccountGroup group, String name) {
        return event().setCreateAccount(CreateAccount.newBuilder().setAccountId(id).setCurrency(CURRENCY)
                .setGroup(group).setDisplayName(name)).build().toByteArray();
    }

    private MutationEvent.Builder event() {
        return MutationEvent.newBuilder().setEventId(uuid());
    }

    String uuid() {
        // Version 4 bits like the SDK's UUID.randomUUID(), from the seeded generator.
        long msb = random.nextLong() & ~0xF000L | 0x4000L;
        long lsb = random.nextLong() & ~(0xC000L << 48) | (0x8000L << 48);
        return new UUID(msb, lsb).toString();
    }
}
