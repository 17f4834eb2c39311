/**
 * The fault-tolerance suite (tests only): real servers, real Kafka clusters from {@code dev.ledger.devkafka}
 * (single node shared through {@code SharedKafka}, or 3 brokers per class), faults injected under load, and the
 * topic read back to count lost ACCEPTED events (must be 0). Scenario figures go to {@code FaultReport}.
 *
 * <p>Entry points: the {@code *FaultTest} classes, run by surefire; the helpers here are used only by them.
 */
package dev.ledger.faults;
