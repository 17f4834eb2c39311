package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.devcerts.DevCertificates;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Status;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK over TLS and mTLS against real servers and a real single-node Kafka: a round trip, a permission denied,
 * and each certificate problem surfacing as a {@link LedgerRejectedException} whose reason says what is wrong.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerClientTlsTest {

    private static final String TOPIC = "client-tls";
    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static DevCertificates ca;
    private static LedgerServer mtls;
    private static LedgerServer expired;
    private static LedgerServer wrongHost;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startSingleNode();
        ca = DevCertificates.newAuthority("sdk-test-ca");
        ca.writeCertificate(dir.resolve("ca.pem"));
        ca.issueServer("ledger", "IP:127.0.0.1", "DNS:localhost").write(dir.resolve("server.pem"), dir.resolve("server.key"));
        ca.issueClient("payments").write(dir.resolve("client.pem"), dir.resolve("client.key"));
        DevCertificates.newAuthority("other-ca").writeCertificate(dir.resolve("other-ca.pem"));
        DevCertificates.newAuthority("stranger-ca").issueClient("payments")
                .write(dir.resolve("stranger.pem"), dir.resolve("stranger.key"));
        Instant now = Instant.now();
        ca.issue("expired", List.of("IP:127.0.0.1"), now.minus(Duration.ofDays(9)), now.minus(Duration.ofDays(1)), true)
                .write(dir.resolve("expired.pem"), dir.resolve("expired.key"));
        ca.issueServer("elsewhere", "DNS:ledger.example").write(dir.resolve("elsewhere.pem"), dir.resolve("elsewhere.key"));
        Path principals = dir.resolve("principals");
        Files.writeString(principals, """
                [payments]
                cert-subject = CN=payments
                events = transfer, create_account
                debit-accounts = cust-*
                """);
        Files.setPosixFilePermissions(principals, PosixFilePermissions.fromString("rw-------"));
        mtls = LedgerServer.start(config().principalsFile(principals)
                .tls(new ServerConfig.Tls(dir.resolve("server.pem"), dir.resolve("server.key"), dir.resolve("ca.pem"), "1.3"))
                .build());
        expired = LedgerServer.start(config()
                .tls(new ServerConfig.Tls(dir.resolve("expired.pem"), dir.resolve("expired.key"), null, "1.3")).build());
        wrongHost = LedgerServer.start(config()
                .tls(new ServerConfig.Tls(dir.resolve("elsewhere.pem"), dir.resolve("elsewhere.key"), null, "1.3")).build());
    }

    private static ServerConfig.Builder config() {
        return ServerConfig.builder().bootstrapServers(kafka.bootstrapServers()).developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic(TOPIC).topicPartitions(1);
    }

    @AfterAll
    static void stop() {
        for (LedgerServer s : new LedgerServer[] {mtls, expired, wrongHost}) {
            if (s != null) {
                s.shutdownGracefully(Duration.ofSeconds(5));
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static LedgerClientBuilder client(LedgerServer server) {
        return LedgerClient.builder().endpoints("127.0.0.1:" + server.port()).clientName("tls-test")
                .requestTimeout(Duration.ofSeconds(30)).retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .tlsTrustedCertificates(dir.resolve("ca.pem"));
    }

    @Test
    void mtlsRoundTripAndAPermissionDenied() {
        try (LedgerClient c = client(mtls).tlsClientCertificate(dir.resolve("client.pem"), dir.resolve("client.key"))
                .build()) {
            Receipt r = c.submit(Mutations.transfer("cust-1", "bob", 1_000, 0, "", 0, "", "EUR"));
            assertThat(r.status()).isEqualTo(Status.STATUS_ACCEPTED);
            assertThatThrownBy(() -> c.submit(Mutations.transfer("house-1", "bob", 1_000, 0, "", 0, "", "EUR")))
                    .isInstanceOfSatisfying(LedgerRejectedException.class, e -> {
                        assertThat(e.status()).isEqualTo(Status.STATUS_PERMISSION_DENIED);
                        assertThat(e.reason()).contains("may not debit account house-1");
                    });
            assertThat(c.stats().eventsRetried()).isZero();
        }
    }

    @Test
    void anUntrustedServerIsRefusedWithAClearReason() {
        assertRefused(client(mtls).tlsTrustedCertificates(dir.resolve("other-ca.pem"))
                .tlsClientCertificate(dir.resolve("client.pem"), dir.resolve("client.key")), "is not trusted");
    }

    @Test
    void anExpiredServerCertificateIsRefusedWithAClearReason() {
        assertRefused(client(expired), "expired");
    }

    @Test
    void aServerCertificateForAnotherHostIsRefused() {
        assertRefused(client(wrongHost), "does not name host 127.0.0.1");
    }

    @Test
    void withoutHostnameVerificationTheOtherHostsCertificateIsAccepted() {
        try (LedgerClient c = client(wrongHost).tlsHostnameVerification(false).build()) {
            assertThat(c.submit(Mutations.createAccount("cust-x", "EUR", "X", dev.ledger.proto.AccountGroup.ACCOUNT_GROUP_CUSTOMER))
                    .status()).isEqualTo(Status.STATUS_ACCEPTED);
        }
    }

    @Test
    void mtlsWithoutAClientCertificateIsRefused() {
        assertRefused(client(mtls), "client certificate");
    }

    @Test
    void mtlsWithAClientCertificateFromAnUnknownCaIsRefused() {
        assertRefused(client(mtls).tlsClientCertificate(dir.resolve("stranger.pem"), dir.resolve("stranger.key")),
                "client certificate");
    }

    @Test
    void theTokenSupplierIsAskedAtEveryHandshake() {
        AtomicInteger asked = new AtomicInteger();
        try (LedgerClient c = client(mtls).tlsClientCertificate(dir.resolve("client.pem"), dir.resolve("client.key"))
                .authToken(() -> {
                    asked.incrementAndGet();
                    return "";
                }).build()) {
            c.submit(Mutations.transfer("cust-2", "bob", 1_000, 0, "", 0, "", "EUR"));
            assertThat(asked.get()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void unreadableTlsFilesAreRefusedByTheBuilderNamingTheOption() {
        assertThatThrownBy(() -> client(mtls).tlsTrustedCertificates(dir.resolve("missing.pem")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tlsTrustedCertificates");
    }

    private static void assertRefused(LedgerClientBuilder builder, String reasonPart) {
        try (LedgerClient c = builder.build()) {
            assertThatThrownBy(() -> c.submit(Mutations.createAccount("cust-r", "EUR", "R",
                    dev.ledger.proto.AccountGroup.ACCOUNT_GROUP_CUSTOMER)))
                    .isInstanceOfSatisfying(LedgerRejectedException.class, e -> {
                        assertThat(e.status()).isEqualTo(Status.STATUS_UNAUTHENTICATED);
                        assertThat(e.reason()).contains(reasonPart);
                    });
        }
    }
}
