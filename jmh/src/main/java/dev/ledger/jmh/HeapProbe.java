package dev.ledger.jmh;

import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.Transfer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;

/**
 * Heap bytes per account and per kept event id of a {@link Ledger} built through {@code decide}: {@code accounts}
 * creates (each keeps its UUID event id too), then {@code ids} transfers from a settlement account to the customers
 * (each keeps one more id). Used heap is read after {@code System.gc()} several times at each stage; the minimum
 * counts. Run: {@code java -Xmx4g -cp jmh/target/ledger-jmh.jar dev.ledger.jmh.HeapProbe [accounts] [ids]}.
 */
public final class HeapProbe {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeapProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int ids = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Workload w = new Workload(1, accounts);
        long empty = usedHeap();

        Ledger ledger = new Ledger();
        long sequence = 0;
        ledger.decide(w.create("bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT, "Bank"), 0, sequence++);
        for (int i = 0; i < accounts; i++) {
            expectApplied(ledger.decide(w.create(Workload.customer(i), AccountGroup.ACCOUNT_GROUP_CUSTOMER,
                    "Customer " + i), 0, sequence++).getOutcome());
        }
        long afterAccounts = usedHeap();
        long tableAfterAccounts = ledger.ids().uuidTableBytes();

        for (int i = 0; i < ids; i++) {
            byte[] value = MutationEvent.newBuilder().setEventId(w.uuid()).setTransfer(Transfer.newBuilder()
                    .setPayerAccountId("bank").setPayeeAccountId(Workload.customer(i % accounts)).setAmountMinor(100)
                    .setCurrency(Workload.CURRENCY)).build().toByteArray();
            expectApplied(ledger.decide(value, 0, sequence++).getOutcome());
        }
        long afterIds = usedHeap();
        long tableAfterIds = ledger.ids().uuidTableBytes();

        long idBytes = afterIds - afterAccounts;
        // The creates kept one id per account too: take the measured per-id cost off the accounts' share.
        long accountBytes = afterAccounts - empty - (long) ((double) idBytes / ids * (accounts + 1));
        System.out.printf("ledger: %,d accounts, %,d kept ids (%,d as UUIDs), next sequence %,d%n",
                ledger.accounts().size(), ledger.ids().size(), ledger.ids().uuidCount(), ledger.nextSequence());
        System.out.printf("used heap: empty %,d, after %,d creates %,d, after %,d transfers %,d%n",
                empty, accounts, afterAccounts, ids, afterIds);
        System.out.printf("per kept id: %.1f bytes (UUID table arrays %,d -> %,d bytes: %.1f bytes per added id)%n",
                (double) idBytes / ids, tableAfterAccounts, tableAfterIds,
                (double) (tableAfterIds - tableAfterAccounts) / ids);
        System.out.printf("per account: %.1f bytes (without its create's kept id)%n", (double) accountBytes / accounts);
        System.out.printf("heap per million accounts: %.1f MiB; per million kept ids: %.1f MiB%n",
                accountBytes / (double) accounts * 1e6 / (1 << 20), idBytes / (double) ids * 1e6 / (1 << 20));
    }

    private static void expectApplied(Outcome outcome) {
        if (outcome != Outcome.OUTCOME_APPLIED) {
            throw new IllegalStateException("probe workload was not applied: " + outcome);
        }
    }

    /** Minimum used heap over five collections. */
    private static long usedHeap() throws InterruptedException {
        long[] samples = new long[5];
        for (int i = 0; i < samples.length; i++) {
            System.gc();
            Thread.sleep(100);
            samples[i] = MEMORY.getHeapMemoryUsage().getUsed();
        }
        System.out.println("  used heap samples: " + Arrays.toString(samples));
        return Arrays.stream(samples).min().orElseThrow();
    }
}
