package dev.ledger.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Choosing the back-end, and the message a test gets when Testcontainers was asked for without Docker. */
class KafkaBackendSelectionTest {

    private final String saved = System.getProperty(KafkaMode.PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (saved == null) {
            System.clearProperty(KafkaMode.PROPERTY);
        } else {
            System.setProperty(KafkaMode.PROPERTY, saved);
        }
    }

    @Test
    void withoutDockerTheTestcontainersBackEndFailsAndNamesTheEmbeddedOne() {
        assertThatThrownBy(() -> TestcontainersKafkaBackend.launch("apache/kafka:4.1.1", () -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Testcontainers Kafka back-end (apache/kafka:4.1.1) was requested")
                .hasMessageContaining("no Docker engine is reachable")
                .hasMessageContaining("Use the embedded back-end")
                .hasMessageContaining("-Dledger.testkit.kafka=testcontainers")
                .hasMessageContaining("never switches back-ends");
    }

    @Test
    void thePropertyPicksTheBackEndWhenTheTestDoesNot() {
        System.setProperty(KafkaMode.PROPERTY, "testcontainers");
        assertThat(KafkaMode.fromProperty(KafkaMode.EMBEDDED)).isEqualTo(KafkaMode.TESTCONTAINERS);
        System.setProperty(KafkaMode.PROPERTY, " Embedded ");
        assertThat(KafkaMode.fromProperty(KafkaMode.TESTCONTAINERS)).isEqualTo(KafkaMode.EMBEDDED);
        System.clearProperty(KafkaMode.PROPERTY);
        assertThat(KafkaMode.fromProperty(KafkaMode.EMBEDDED)).isEqualTo(KafkaMode.EMBEDDED);
    }

    @Test
    void theBuilderBeatsTheProperty() {
        System.setProperty(KafkaMode.PROPERTY, "testcontainers");
        LedgerExtension chosen = LedgerExtension.builder().kafka(KafkaMode.EMBEDDED).build();
        LedgerExtension fromProperty = LedgerExtension.builder().build();
        assertThat(chosen).extracting("fixedSettings").extracting("kafka").isEqualTo(KafkaMode.EMBEDDED);
        assertThat(fromProperty).extracting("fixedSettings").extracting("kafka").isEqualTo(KafkaMode.TESTCONTAINERS);
    }

    @Test
    void aPropertyNamingNoBackEndIsRefusedWithTheSetting() {
        System.setProperty(KafkaMode.PROPERTY, "docker");
        assertThatThrownBy(() -> LedgerExtension.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dledger.testkit.kafka must be embedded or testcontainers: docker");
    }

    @Test
    void builderSettersCheckTheirArguments() {
        assertThatThrownBy(() -> LedgerExtension.builder().kafkaImage(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafkaImage");
        assertThatThrownBy(() -> LedgerExtension.builder().server(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("server mode");
    }
}
