package dev.ledger.testkit;

/**
 * How long one ledger lives. {@link #CLASS} (the default): started before the first test of a class and stopped
 * after its last. {@link #RUN}: shared by every test class of the run that asks for the same settings, stopped
 * when the run ends; tests then keep apart by their ids, or with {@code reset()}.
 */
public enum LedgerScope {
    CLASS,
    RUN
}
