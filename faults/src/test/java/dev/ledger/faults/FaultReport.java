package dev.ledger.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;

/**
 * One line per scenario, in a fixed format, on stdout and as a Markdown table row appended to
 * {@code target/fault-report.md} (created with its header on first use), so the figures can be pasted into the
 * README as they are.
 *
 * <p>Thread-safe: appends are synchronized on the class.
 */
final class FaultReport {

    static final Path REPORT = Path.of("target", "fault-report.md");

    private static final String HEADER = """
            | scenario | sent | acked | failed | lost | duplicates | worst latency during fault (ms) | notes |
            |---|---:|---:|---:|---:|---:|---:|---|
            """;

    private FaultReport() {
    }

    /** One scenario's figures. {@code lost} must be 0 for a passing run. */
    record Row(String scenario, long sent, long acked, long failed, long lost, long duplicates,
            long worstFaultLatencyMs, String notes) {

        String line() {
            return String.format("FAULT-REPORT scenario=%s sent=%d acked=%d failed=%d lost=%d duplicates=%d"
                    + " worstFaultLatencyMs=%d notes=%s", scenario, sent, acked, failed, lost, duplicates,
                    worstFaultLatencyMs, notes);
        }

        String markdown() {
            return String.format("| %s | %d | %d | %d | %d | %d | %d | %s |%n", scenario, sent, acked, failed,
                    lost, duplicates, worstFaultLatencyMs, notes.replace('|', '/'));
        }
    }

    static synchronized void record(Row row) {
        System.out.println(row.line());
        try {
            Files.createDirectories(REPORT.getParent());
            if (!Files.exists(REPORT)) {
                Files.writeString(REPORT, "Fault suite run " + LocalDate.now() + ", "
                        + Runtime.getRuntime().availableProcessors() + " cores\n\n" + HEADER,
                        StandardCharsets.UTF_8);
            }
            Files.writeString(REPORT, row.markdown(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + REPORT, e);
        }
    }
}
