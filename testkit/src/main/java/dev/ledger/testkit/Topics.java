package dev.ledger.testkit;

/**
 * The topics (and the core's group and transactional id) of one generation of a ledger. Generation 0 uses the
 * production names ({@code ledger.mutations}, {@code ledger.decisions}, ...); every {@code reset()} moves to the
 * next generation, {@code ledger.mutations.1} and so on, so a test after a reset starts on empty topics.
 * Immutable.
 */
record Topics(int generation) {

    private String name(String base) {
        return generation == 0 ? base : base + "." + generation;
    }

    String mutations() {
        return name("ledger.mutations");
    }

    String decisions() {
        return name("ledger.decisions");
    }

    String snapshots() {
        return name("ledger.snapshots");
    }

    String lease() {
        return name("ledger.core.lease");
    }

    /** Consumer group and transactional id of the core. */
    String coreGroup() {
        return name("ledger-testkit-core");
    }

    Topics next() {
        return new Topics(generation + 1);
    }
}
