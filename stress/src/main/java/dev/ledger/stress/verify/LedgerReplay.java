package dev.ledger.stress.verify;

import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replays the topic as a downstream consumer would compute balances: partition by partition in offset order,
 * each event id applied once. Every debit of an account is keyed by that account, so its debits and top-ups
 * live in one partition in order, and "never below zero" can be judged per partition. Checks that every
 * entry balances (the legs sum to zero) and that no customer account went below zero at any point.
 * Not thread-safe; collect with {@link #onRecord}, then {@link #replay()}.
 */
public final class LedgerReplay implements TopicScanner.Listener {

    /**
     * The replay's result.
     *
     * @param applied events applied (snapshots and duplicates excluded)
     * @param unbalanced entries whose legs do not sum to zero (e.g. fee + tax above the amount)
     * @param overdrawn customer accounts that went below zero at some point
     * @param balancesMinor final balance per account, minor units, sorted by account id
     * @param total sum of all balances: 0 when every entry balanced
     */
    public record Result(long applied, long unbalanced, List<String> overdrawn, Map<String, Long> balancesMinor,
            long total) {

        public boolean passed() {
            return unbalanced == 0 && overdrawn.isEmpty() && total == 0;
        }

        /** Balances as a table in major units, then the checks. */
        public String format() {
            StringBuilder sb = new StringBuilder("== replay: balances as a consumer computes them ==\n");
            balancesMinor.forEach((k, v) -> sb.append(String.format("  %-24s %,18.2f%n", k, v / 100.0)));
            sb.append(String.format("entries applied   %d%n", applied));
            sb.append(String.format("unbalanced        %d%n", unbalanced));
            sb.append(String.format("sum of balances   %.2f%n", total / 100.0));
            sb.append(String.format("went below zero   %s%n", overdrawn.isEmpty() ? "none" : overdrawn));
            sb.append(passed() ? "PASS" : "FAIL").append(System.lineSeparator());
            return sb.toString();
        }
    }

    private final Map<Integer, List<MutationEvent>> partitions = new TreeMap<>();

    @Override
    public void onRecord(int partition, long offset, String key, MutationEvent event) {
        if (event != null) {
            // Each partition arrives in offset order, so appending keeps it.
            partitions.computeIfAbsent(partition, p -> new ArrayList<>()).add(event);
        }
    }

    /** Applies everything collected. */
    public Result replay() {
        Map<String, Long> balances = new TreeMap<>();
        Map<String, AccountGroup> groups = new HashMap<>();
        Set<String> applied = new HashSet<>();
        Set<String> overdrawn = new java.util.TreeSet<>();
        long unbalanced = 0;
        for (List<MutationEvent> events : partitions.values()) {
            for (MutationEvent e : events) {
                if (e.hasSnapshot() || !applied.add(e.getEventId())) {
                    continue;
                }
                switch (e.getBodyCase()) {
                    case CREATE_ACCOUNT -> {
                        groups.put(e.getCreateAccount().getAccountId(), e.getCreateAccount().getGroup());
                        balances.putIfAbsent(e.getCreateAccount().getAccountId(), 0L);
                    }
                    case TOP_UP -> {
                        TopUp t = e.getTopUp();
                        add(balances, t.getAccountId(), t.getAmountMinor());
                        add(balances, t.getSettlementAccountId(), -t.getAmountMinor());
                    }
                    case TRANSFER -> {
                        Transfer t = e.getTransfer();
                        long toPayee = t.getAmountMinor() - t.getFeeMinor() - t.getTaxMinor();
                        if (toPayee < 0 || t.getAmountMinor() <= 0) {
                            unbalanced++;
                            continue;
                        }
                        add(balances, t.getPayerAccountId(), -t.getAmountMinor());
                        add(balances, t.getPayeeAccountId(), toPayee);
                        add(balances, t.getFeeAccountId(), t.getFeeMinor());
                        add(balances, t.getTaxAccountId(), t.getTaxMinor());
                        if (balances.get(t.getPayerAccountId()) < 0
                                && groups.get(t.getPayerAccountId()) == AccountGroup.ACCOUNT_GROUP_CUSTOMER) {
                            overdrawn.add(t.getPayerAccountId());
                        }
                    }
                    default -> unbalanced++;
                }
            }
        }
        long total = balances.values().stream().mapToLong(Long::longValue).sum();
        return new Result(applied.size(), unbalanced, List.copyOf(overdrawn), balances, total);
    }

    private static void add(Map<String, Long> balances, String account, long deltaMinor) {
        if (deltaMinor != 0 || !account.isEmpty()) {
            balances.merge(account, deltaMinor, Long::sum);
        }
    }
}
