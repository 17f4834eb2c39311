package dev.ledger.faults;

import dev.ledger.devkafka.EmbeddedKafka;

/**
 * One single-node Kafka cluster shared by every single-node fault class in this test JVM (starting one costs
 * seconds). Scenarios keep apart by using their own topic; one that stops the broker restarts it before it
 * returns. Closed by a shutdown hook when the test JVM exits.
 *
 * <p>Thread-safe lazy start.
 */
final class SharedKafka {

    private static EmbeddedKafka kafka;

    private SharedKafka() {
    }

    static synchronized EmbeddedKafka singleNode() {
        if (kafka == null) {
            EmbeddedKafka started = EmbeddedKafka.startSingleNode();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-kafka-close"));
            kafka = started;
        }
        return kafka;
    }
}
