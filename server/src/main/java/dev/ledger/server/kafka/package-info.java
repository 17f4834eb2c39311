/**
 * Everything between a validated event and Kafka: the topic at startup ({@link
 * dev.ledger.server.kafka.TopicInitializer}, {@link dev.ledger.server.kafka.TopicDurability}), the producer and
 * its replacement after a fatal failure ({@link dev.ledger.server.kafka.ProducerSlot}, {@link
 * dev.ledger.server.kafka.ProducerSettings}), the write path ({@link dev.ledger.server.kafka.KafkaEventWriter}
 * with {@link dev.ledger.server.kafka.ByteBudget} and {@link dev.ledger.server.kafka.KafkaCircuit}), the one
 * failure-to-status mapping ({@link dev.ledger.server.kafka.EventResults}) and the housekeeping thread ({@link
 * dev.ledger.server.kafka.KafkaMaintenance}).
 *
 * <p>Entry point: {@code KafkaEventWriter.write}, called on event loops and never blocking; the blocking parts
 * (topic creation and description, metadata loading, producer replacement) run on the starting thread or the
 * maintenance thread. Callers: {@code dev.ledger.server} only (wiring in {@code LedgerServer}).
 */
package dev.ledger.server.kafka;
