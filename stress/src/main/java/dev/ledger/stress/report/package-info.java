/**
 * Results of a load run: latency recording (HdrHistogram, {@link dev.ledger.stress.report.LatencyRecorder}), the
 * once-a-second progress line, the final {@link dev.ledger.stress.report.RunReport}, and its files (JSON, {@code
 * .hgrm}, a self-contained HTML page with an SVG chart).
 *
 * <p>Entry points: {@code LatencyRecorder} and {@code RunReport}. Calls only HdrHistogram and the JDK; callers: the
 * stress tool's commands, {@code load}, {@code demo} and {@code bench}.
 */
package dev.ledger.stress.report;
