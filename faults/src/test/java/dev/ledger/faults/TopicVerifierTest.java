package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.testkit.support.TestEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The verifier itself must be right, or every scenario's "lost = 0" means nothing. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TopicVerifierTest {

    @Test
    void reportsMissingAcceptedIdsAndCountsDuplicates() throws Exception {
        EmbeddedKafka kafka = SharedKafka.singleNode();
        String topic = "verifier-self-test";
        kafka.createTopic(topic, 3, 1, Map.of());
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String id : List.of("a", "b", "b")) {
                producer.send(new ProducerRecord<>(topic, TestEvents.transfer(id).toByteArray()))
                        .get(10, TimeUnit.SECONDS);
            }
            producer.send(new ProducerRecord<>(topic, new byte[] {(byte) 0xff, 0x01})).get(10, TimeUnit.SECONDS);
        }

        TopicVerifier.Verification v = TopicVerifier.verify(kafka.bootstrapServers(), topic,
                List.of("a", "b", "c"), Duration.ofSeconds(30));

        assertThat(v.missing()).containsExactly("c");
        assertThat(v.duplicates()).isEqualTo(1);
        assertThat(v.records()).isEqualTo(4);
    }
}
