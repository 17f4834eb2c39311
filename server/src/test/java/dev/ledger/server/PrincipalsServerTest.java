package dev.ledger.server;

import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import dev.ledger.testkit.support.TopicRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Principals on a real server and a real single-node Kafka: permissions per event, the rate, the principal header,
 * reloading the file on live connections, revocation, a bad file.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PrincipalsServerTest {

    private static final String TOPIC = "ledger.principals";
    @TempDir
    static Path dir;
    private static Path file;
    private static EmbeddedKafka kafka;
    private static LedgerServer server;

    static String principals(String paymentsEvents) throws Exception {
        return """
                [payments]
                token-sha256 = %s
                events = %s
                debit-accounts = cust-*

                [slow]
                token-sha256 = %s
                events = *
                debit-accounts = *
                rate = 5
                """.formatted(sha256("pay-token"), paymentsEvents, sha256("slow-token"));
    }

    static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    static void write(Path target, String text) throws Exception {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startSingleNode();
        file = dir.resolve("principals");
        write(file, principals("transfer, create_account"));
        server = LedgerServer.start(config().principalsFile(file).build());
    }

    static ServerConfig.Builder config() {
        return ServerConfig.builder().bootstrapServers(kafka.bootstrapServers()).developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic(TOPIC).topicPartitions(1).serverId("principals-server");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static RawFrameClient connect(String token) throws Exception {
        RawFrameClient c = RawFrameClient.connect(server.port());
        ServerFrame f = c.hello("self-asserted-name", token);
        assertThat(f.hasWelcome()).as("Welcome for " + token + ": " + f).isTrue();
        return c;
    }

    @Test
    void eventsOutsideThePermissionsAreDeniedAndTheirNeighboursProcessed() throws Exception {
        try (RawFrameClient c = connect("pay-token")) {
            Ack ack = c.submitAndAwait(1, List.of(TestEvents.transfer("cust-1", "x", 100),
                    TestEvents.topUp("cust-2", 50), TestEvents.transfer("house", "x", 100),
                    TestEvents.createAccount("cust-3")));
            assertThat(ack.getResultsList()).extracting(EventResult::getStatus).containsExactly(Status.STATUS_ACCEPTED,
                    Status.STATUS_PERMISSION_DENIED, Status.STATUS_PERMISSION_DENIED, Status.STATUS_ACCEPTED);
            assertThat(ack.getResults(1).getReason()).contains("may not send top_up events");
            assertThat(ack.getResults(2).getReason()).contains("may not debit account house").contains("cust-*");
            ConsumerRecord<byte[], byte[]> r = TopicRecords.at(kafka.bootstrapServers(), TOPIC,
                    ack.getResults(0).getPartition(), ack.getResults(0).getOffset());
            assertThat(new String(r.headers().lastHeader(MutationHeaders.PRINCIPAL).value(), StandardCharsets.UTF_8))
                    .isEqualTo("payments");
            assertThat(new String(r.headers().lastHeader(MutationHeaders.CLIENT_NAME).value(), StandardCharsets.UTF_8))
                    .isEqualTo("self-asserted-name");
        }
    }

    @Test
    void eventsOverThePrincipalsRateAreOverloaded() throws Exception {
        try (RawFrameClient c = connect("slow-token")) {
            List<MutationEvent> events = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                events.add(TestEvents.createAccount("slow-" + i));
            }
            Ack ack = c.submitAndAwait(1, events);
            List<Status> statuses = ack.getResultsList().stream().map(EventResult::getStatus).toList();
            assertThat(statuses).contains(Status.STATUS_ACCEPTED, Status.STATUS_OVERLOADED)
                    .containsOnly(Status.STATUS_ACCEPTED, Status.STATUS_OVERLOADED);
            assertThat(ack.getResultsList().stream().filter(r -> r.getStatus() == Status.STATUS_OVERLOADED).findFirst()
                    .orElseThrow().getReason()).contains("principal slow is over its rate of 5 events/s");
        }
    }

    @Test
    void unknownOrMissingTokensAreRefusedAtHello() throws Exception {
        for (String token : new String[] {"guess", ""}) {
            try (RawFrameClient c = RawFrameClient.connect(server.port())) {
                ServerFrame f = c.hello("intruder", token);
                assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
                assertThat(c.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void aReloadedFileAppliesToLiveConnectionsAndRevokes(@TempDir Path own) throws Exception {
        Path ownFile = own.resolve("principals");
        write(ownFile, principals("transfer"));
        try (LedgerServer s = LedgerServer.start(config().serverId("reloading").principalsFile(ownFile).build());
                RawFrameClient c = RawFrameClient.connect(s.port())) {
            assertThat(c.hello("live", "pay-token").hasWelcome()).isTrue();
            assertThat(c.submitAndAwait(1, List.of(TestEvents.createAccount("cust-9"))).getResults(0).getStatus())
                    .isEqualTo(Status.STATUS_PERMISSION_DENIED);
            write(ownFile, principals("transfer, create_account"));
            TlsServerTest.awaitAbove(s.security().principals()::reloads, 0);
            assertThat(c.submitAndAwait(2, List.of(TestEvents.createAccount("cust-9"))).getResults(0).getStatus())
                    .isEqualTo(Status.STATUS_ACCEPTED);
            // A bad file is refused: the principals in force stay.
            write(ownFile, "[payments\n");
            TlsServerTest.awaitAbove(s.security().principals()::reloadFailures, 0);
            assertThat(c.submitAndAwait(3, List.of(TestEvents.createAccount("cust-10"))).getResults(0).getStatus())
                    .isEqualTo(Status.STATUS_ACCEPTED);
            // Revocation: the token's hash leaves the file; the live connection is refused at its next Submit.
            write(ownFile, principals("transfer").replace(sha256("pay-token"), sha256("new-token")));
            TlsServerTest.awaitAbove(s.security().principals()::reloads, 1);
            c.submit(4, List.of(TestEvents.createAccount("cust-11")));
            ServerFrame f = c.read();
            assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
            assertThat(f.getError().getMessage()).contains("revoked");
        }
    }

    @Test
    void aBadPrincipalsFileStopsStartupNamingTheProblem(@TempDir Path own) throws Exception {
        Path bad = own.resolve("bad");
        write(bad, "[payments]\nevents = *\n");
        assertThatThrownBy(() -> LedgerServer.start(config().principalsFile(bad).build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("--principals-file")
                .hasMessageContaining("has no credential");
        Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> LedgerServer.start(config().principalsFile(bad).build()))
                .hasMessageContaining("readable by every user");
        assertThatThrownBy(() -> config().principalsFile(bad).authTokens(List.of("t")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclude each other");
    }
}
