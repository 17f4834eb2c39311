/**
 * The ledger core: an in-memory state machine on the mutation stream that holds the ledger's rules and journals
 * every decision to Kafka with exactly-once effects.
 *
 * <p>Entry points: {@link dev.ledger.core.CoreMain} ({@code java -jar ledger-core.jar}) and
 * {@link dev.ledger.core.CoreNode} (start/stop, used by the main, the server's development mode and tests). This
 * package only starts and stops; it may call every sub-package: {@code config} (settings), {@code rules} (the state
 * machine, no Kafka), {@code journal} (the Kafka loop) and {@code admin} (HTTP, metrics). See docs/CORE.md.
 */
package dev.ledger.core;
