package dev.ledger.testkit;

import java.util.Locale;

/**
 * Which Kafka the kit runs. {@link #EMBEDDED} (the default) is a real KRaft broker inside the test JVM, built on
 * Kafka's own test kit: no Docker, about two seconds to start. {@link #TESTCONTAINERS} runs the
 * {@code apache/kafka} image through Testcontainers and needs a Docker engine; without one the kit fails with a
 * message that names the embedded back-end. The kit never switches back-ends by itself.
 *
 * <p>Chosen by {@code LedgerExtension.builder().kafka(...)} or {@code @LedgerTest(kafka = ...)}; when neither
 * chooses, by the system property {@value #PROPERTY} ({@code embedded} or {@code testcontainers}), else embedded.
 */
public enum KafkaMode {
    EMBEDDED,
    TESTCONTAINERS;

    /** The system property that picks the back-end when the test itself does not. */
    public static final String PROPERTY = "ledger.testkit.kafka";

    /**
     * The mode named by {@value #PROPERTY}, or {@code fallback} when it is unset or blank.
     *
     * @throws IllegalArgumentException when the property holds anything else than the two names
     */
    static KafkaMode fromProperty(KafkaMode fallback) {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be embedded or testcontainers: " + value, e);
        }
    }
}
