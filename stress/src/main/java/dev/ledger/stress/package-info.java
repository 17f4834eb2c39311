/**
 * The {@code ledger-stress} command line: {@link dev.ledger.stress.StressMain} dispatches to the picocli commands
 * {@code run}, {@code verify}, {@code demo} and {@code bench}, which only parse their flags and hand over to the
 * sub-packages: {@code load} (the load driver), {@code verify} (reading topics back), {@code demo}, {@code bench}
 * and {@code report} (latency summaries, JSON, HTML). Entry point: {@code StressMain.main}; nothing calls this
 * package but the JVM and the stress tool's own tests.
 */
package dev.ledger.stress;
