/**
 * The core's Kafka side: {@link dev.ledger.core.journal.CoreLoop}, the one thread that is standby (folds the
 * decision journal) or active (decides mutations and commits decisions with the consumed offsets in one transaction
 * per poll batch), its lease, snapshots ({@code SnapshotStore}, {@code SnapshotWriter}, {@code SnapshotCodec}) and topics. Also owns the
 * mutation header names ({@link dev.ledger.core.journal.MutationHeaders}) shared with the server. May call
 * {@code rules}, {@code config} and {@code admin}'s metrics and view interfaces; called by {@link dev.ledger.core.CoreNode}.
 */
package dev.ledger.core.journal;
