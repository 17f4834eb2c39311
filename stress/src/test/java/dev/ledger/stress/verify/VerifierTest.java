package dev.ledger.stress.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.MutationEvent;
import dev.ledger.stress.StressMain;
import dev.ledger.stress.load.Workload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VerifierTest {

    private static final String TOPIC = "verify.test";
    private static EmbeddedKafka kafka;
    private static final List<AckedEntry> written = new ArrayList<>();

    @BeforeAll
    static void writeEventsStraightToKafka() throws Exception {
        kafka = EmbeddedKafka.startSingleNode();
        kafka.createTopic(TOPIC, 3, 1, Map.of());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 200; i++) {
                String payer = Workload.customer(i % 5);
                MutationEvent e = Workload.transfer("evt-" + i, payer, Workload.customer(9), 1000, 10, 5);
                RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC,
                        payer.getBytes(StandardCharsets.UTF_8), e.toByteArray())).get();
                written.add(new AckedEntry(e.getEventId(), payer, md.partition(), md.offset(), 0, i / 5));
            }
            // One event stored twice, as an SDK retry after a lost Ack would do.
            MutationEvent again = Workload.transfer("evt-0", Workload.customer(0), Workload.customer(9), 1000, 10, 5);
            producer.send(new ProducerRecord<>(TOPIC, Workload.customer(0).getBytes(StandardCharsets.UTF_8),
                    again.toByteArray())).get();
        }
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void everyAckedEventFoundPassesAndTheDuplicateIsCounted() {
        VerifyReport r = Verifier.verifyTopic(kafka.bootstrapServers(), TOPIC, written, Duration.ofSeconds(60));
        assertThat(r.lost()).isZero();
        assertThat(r.found()).isEqualTo(200);
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.orderViolations()).isZero();
        assertThat(r.partitions()).isEqualTo(3);
        assertThat(r.passed()).isTrue();
    }

    @Test
    void anAckedIdThatNeverReachedKafkaFailsVerifyWithNonZeroExit(@TempDir Path dir) throws Exception {
        List<AckedEntry> acked = new ArrayList<>(written);
        acked.add(new AckedEntry("never-written", Workload.customer(1), 0, 999_999, 0, 1_000));
        Path log = dir.resolve("acked.tsv");
        try (AckedLog w = AckedLog.open(log)) {
            acked.forEach(w::append);
        }
        VerifyReport r = Verifier.verifyTopic(kafka.bootstrapServers(), TOPIC, AckedLog.read(log),
                Duration.ofSeconds(60));
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.lostSample()).containsExactly("never-written");
        assertThat(r.passed()).isFalse();
        int exit = StressMain.execute("verify", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", TOPIC,
                "--acked-log", log.toString());
        assertThat(exit).isNotZero();
    }

    @Test
    void eventsOfOneKeyStoredOutOfSendOrderAreViolations() {
        List<AckedEntry> swapped = new ArrayList<>();
        for (AckedEntry e : written) {
            boolean firstTwoOfKey0 = e.key().equals(Workload.customer(0)) && e.seq() < 2;
            swapped.add(firstTwoOfKey0
                    ? new AckedEntry(e.eventId(), e.key(), e.partition(), e.offset(), e.lane(), 1 - e.seq()) : e);
        }
        VerifyReport r = Verifier.verifyTopic(kafka.bootstrapServers(), TOPIC, swapped, Duration.ofSeconds(60));
        assertThat(r.lost()).isZero();
        assertThat(r.orderViolations()).isEqualTo(1);
        assertThat(r.passed()).isFalse();
    }

    @Test
    void replayComputesBalancesThatSumToZero() {
        LedgerReplay replay = new LedgerReplay();
        Verifier.verifyTopic(kafka.bootstrapServers(), TOPIC, written, Duration.ofSeconds(60), replay);
        LedgerReplay.Result r = replay.replay();
        assertThat(r.applied()).isEqualTo(200);
        assertThat(r.total()).isZero();
        assertThat(r.balancesMinor()).containsEntry(Workload.customer(9), 200L * 985)
                .containsEntry(Workload.FEE_ACCOUNT, 200L * 10).containsEntry(Workload.TAX_ACCOUNT, 200L * 5);
    }
}
