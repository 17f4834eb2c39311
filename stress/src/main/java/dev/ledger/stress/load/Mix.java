package dev.ledger.stress.load;

import java.util.Locale;

/**
 * Shares of the four mutation kinds in a load, parsed from {@code create=1,topup=2,transfer=96,snapshot=1}
 * (weights, not necessarily summing to 100; omitted kinds get 0). Immutable.
 */
public record Mix(int create, int topUp, int transfer, int snapshot) {

    /** The default: almost all transfers, with a few account openings and top-ups, no snapshots. */
    public static final Mix DEFAULT = new Mix(1, 2, 97, 0);

    public Mix {
        if (create < 0 || topUp < 0 || transfer < 0 || snapshot < 0) {
            throw new IllegalArgumentException("mix weights must be >= 0");
        }
        if (create + topUp + transfer + snapshot == 0) {
            throw new IllegalArgumentException("mix weights must not all be 0");
        }
    }

    /** Parses {@code create=1,topup=2,transfer=96,snapshot=1}; names are case-insensitive. */
    public static Mix parse(String spec) {
        int create = 0;
        int topUp = 0;
        int transfer = 0;
        int snapshot = 0;
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--mix: expected name=weight, got '" + part + "'");
            }
            int w;
            try {
                w = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--mix: weight of " + kv[0] + " is not a number: " + kv[1]);
            }
            switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                case "create" -> create = w;
                case "topup" -> topUp = w;
                case "transfer" -> transfer = w;
                case "snapshot" -> snapshot = w;
                default -> throw new IllegalArgumentException(
                        "--mix: unknown kind '" + kv[0] + "' (create, topup, transfer, snapshot)");
            }
        }
        return new Mix(create, topUp, transfer, snapshot);
    }

    /** Which kind a uniform draw in {@code [0, total())} selects. */
    public Kind pick(int draw) {
        if (draw < create) {
            return Kind.CREATE;
        }
        if (draw < create + topUp) {
            return Kind.TOP_UP;
        }
        if (draw < create + topUp + transfer) {
            return Kind.TRANSFER;
        }
        return Kind.SNAPSHOT;
    }

    public int total() {
        return create + topUp + transfer + snapshot;
    }

    @Override
    public String toString() {
        return "create=" + create + ",topup=" + topUp + ",transfer=" + transfer + ",snapshot=" + snapshot;
    }

    /** A mutation kind. */
    public enum Kind { CREATE, TOP_UP, TRANSFER, SNAPSHOT }
}
