/**
 * Reading Kafka back to check a run: {@link dev.ledger.stress.verify.Verifier} (the mutations topic against the
 * acked log: lost, duplicates, order), {@link dev.ledger.stress.verify.DecisionVerifier} (the core's decision
 * journal folded with the ledger's rules), {@link dev.ledger.stress.verify.TopicScanner} (reads a topic to its end
 * offsets) and {@link dev.ledger.stress.verify.AckedLog}. Used by the {@code verify} and {@code demo} commands and by
 * the fault suite.
 */
package dev.ledger.stress.verify;
