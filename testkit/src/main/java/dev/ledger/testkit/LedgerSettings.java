package dev.ledger.testkit;

/**
 * What one ledger of the kit is made of, fixed when the extension is built. Two classes that share a ledger for
 * the run ({@link LedgerScope#RUN}) share it only when their settings are equal. Immutable.
 *
 * @param kafka the back-end, already resolved (builder or annotation, else {@value KafkaMode#PROPERTY}, else embedded)
 * @param kafkaImage the Testcontainers image (ignored by the embedded back-end)
 * @param core whether the ledger core runs (decides every mutation and journals the decisions)
 * @param server in this JVM or as a child JVM
 * @param scope per class or per run
 * @param resetEachTest fresh topics (and an empty ledger) before every test but the first
 */
record LedgerSettings(KafkaMode kafka, String kafkaImage, boolean core, ServerMode server, LedgerScope scope,
        boolean resetEachTest) {

    /** Matches the kafka-clients version the project builds against. */
    static final String DEFAULT_KAFKA_IMAGE = "apache/kafka:4.1.1";

    static LedgerSettings defaults() {
        return new LedgerSettings(KafkaMode.fromProperty(KafkaMode.EMBEDDED), DEFAULT_KAFKA_IMAGE, true,
                ServerMode.IN_PROCESS, LedgerScope.CLASS, false);
    }

    static LedgerSettings of(LedgerTest annotation) {
        KafkaMode kafka = annotation.kafka().length == 0
                ? KafkaMode.fromProperty(KafkaMode.EMBEDDED) : annotation.kafka()[0];
        return new LedgerSettings(kafka, DEFAULT_KAFKA_IMAGE, annotation.core(), annotation.server(),
                annotation.scope(), annotation.resetEachTest());
    }
}
