package dev.ledger.server;

import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import dev.ledger.testkit.support.TopicRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Ack;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.config.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mTLS on the client port, against real servers, real TLS and a real single-node Kafka: round trips, the
 * failures a client certificate can cause, plaintext and TLS mixed up, certificate reload, and garbage after a
 * ClientHello.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsServerTest {

    private static final String TOPIC = "ledger.tls";
    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static TlsFiles files;
    private static LedgerServer mtls;
    private static LedgerServer plain;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSingleNode();
        files = new TlsFiles(dir);
        mtls = LedgerServer.start(config().handshakeTimeoutMs(2000)
                .tls(new ServerConfig.Tls(files.serverCert, files.serverKey, files.caPem, "1.3")).build());
        plain = LedgerServer.start(config().build());
    }

    static ServerConfig.Builder config() {
        return ServerConfig.builder().bootstrapServers(kafka.bootstrapServers()).developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic(TOPIC).topicPartitions(1).serverId("tls-server");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {mtls, plain, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void mtlsRoundTripStoresTheEventWithTheCertificatePrincipal() throws Exception {
        try (RawFrameClient c = RawFrameClient.connectTls(mtls.port(), TlsFiles.clientContext(files.ca, files.client))) {
            assertThat(c.hello("tls-test", "").hasWelcome()).isTrue();
            Ack ack = c.submitAndAwait(1, List.of(TestEvents.transfer("alice", "bob", 100)));
            EventResult r = ack.getResults(0);
            assertThat(r.getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
            ConsumerRecord<byte[], byte[]> record = TopicRecords.at(kafka.bootstrapServers(), TOPIC, r.getPartition(),
                    r.getOffset());
            // No principals file: a client certificate is its own principal, named by its subject.
            assertThat(new String(record.headers().lastHeader(MutationHeaders.PRINCIPAL).value(), StandardCharsets.UTF_8))
                    .isEqualTo("cert:CN=payments-client");
            assertThat(c.peerSubject()).isEqualTo("CN=ledger-server");
        }
    }

    @Test
    void mtlsRefusesAClientWithoutACertificate() throws Exception {
        long before = mtls.security().tlsFailures();
        assertRefused(TlsFiles.clientContext(files.ca, null));
        awaitAbove(mtls.security()::tlsFailures, before);
    }

    @Test
    void mtlsRefusesAClientCertificateFromAnUnknownCa() throws Exception {
        long before = mtls.security().tlsFailures();
        assertRefused(TlsFiles.clientContext(files.ca, files.strangerClient));
        awaitAbove(mtls.security()::tlsFailures, before);
    }

    /** With TLS 1.3 the client may finish its handshake before the server refuses it: then the first read fails. */
    private void assertRefused(javax.net.ssl.SSLContext ctx) {
        assertThatThrownBy(() -> {
            try (RawFrameClient c = RawFrameClient.connectTls(mtls.port(), ctx)) {
                ServerFrame f = c.hello("refused", "");
                if (f == null) {
                    throw new java.io.EOFException("closed by the server");
                }
                throw new AssertionError("expected the TLS connection to fail, got " + f);
            }
        }).satisfies(TlsServerTest::ioFailure);
    }

    @Test
    void plaintextClientOnTheTlsPortIsClosedAndLogged() throws Exception {
        long before = mtls.security().tlsFailures();
        try (RawFrameClient c = RawFrameClient.connect(mtls.port())) {
            c.sendRaw(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            assertThat(c.closedByServer()).isTrue();
        }
        awaitAbove(mtls.security()::tlsFailures, before);
    }

    @Test
    void tlsClientOnThePlaintextPortIsClosedAndLogged() throws Exception {
        long before = plain.security().tlsClientsOnPlaintextPort();
        assertThatThrownBy(() -> RawFrameClient.connectTls(plain.port(), TlsFiles.clientContext(files.ca, files.client)))
                .satisfies(TlsServerTest::ioFailure);
        awaitAbove(plain.security()::tlsClientsOnPlaintextPort, before);
        try (RawFrameClient c = RawFrameClient.connectAndHello(plain.port(), "plain-neighbour")) {
            assertThat(c.submitAndAwait(1, List.of(TestEvents.createAccount("plain-1"))).getResults(0).getStatus())
                    .isEqualTo(Status.STATUS_ACCEPTED);
        }
    }

    @Test
    void aSilentTlsConnectionIsClosedByTheHandshakeTimeout() throws Exception {
        long before = mtls.security().tlsFailures();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", mtls.port()), 5000);
            s.setSoTimeout(30_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        awaitAbove(mtls.security()::tlsFailures, before);
    }

    @Test
    void garbageAfterAClientHelloClosesOnlyThatConnection() throws Exception {
        javax.net.ssl.SSLContext good = TlsFiles.clientContext(files.ca, files.client);
        try (RawFrameClient neighbour = RawFrameClient.connectTls(mtls.port(), good)) {
            assertThat(neighbour.hello("neighbour", "").hasWelcome()).isTrue();
            long before = mtls.security().tlsFailures();
            Random random = new Random(7);
            for (int round = 0; round < 5; round++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", mtls.port()), 5000);
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    out.write(clientHello(good));
                    byte[] garbage = new byte[64 * 1024];
                    random.nextBytes(garbage);
                    try {
                        out.write(garbage);
                        out.flush();
                    } catch (IOException e) {
                        // the server may close before all of it is sent
                    }
                    assertThat(readsToEnd(s)).isTrue();
                }
                Ack ack = neighbour.submitAndAwait(round + 1, List.of(TestEvents.transfer("n-" + round, "x", 5)));
                assertThat(ack.getResults(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
            }
            awaitAbove(mtls.security()::tlsFailures, before + 4);
        }
    }

    @Test
    void reloadedCertificateServesNewConnectionsWhileLiveOnesStayUp(@TempDir Path own) throws Exception {
        TlsFiles rotating = new TlsFiles(own);
        try (LedgerServer server = LedgerServer.start(config().serverId("rotating")
                .tls(new ServerConfig.Tls(rotating.serverCert, rotating.serverKey, null, "1.3")).build())) {
            javax.net.ssl.SSLContext ctx = TlsFiles.clientContext(rotating.ca, null);
            try (RawFrameClient live = RawFrameClient.connectTls(server.port(), ctx)) {
                assertThat(live.hello("live", "").hasWelcome()).isTrue();
                assertThat(live.peerSubject()).isEqualTo("CN=ledger-server");
                rotating.rotateServer("ledger-server-2");
                awaitAbove(server.security().tls()::reloads, 0);
                try (RawFrameClient fresh = RawFrameClient.connectTls(server.port(), ctx)) {
                    assertThat(fresh.peerSubject()).isEqualTo("CN=ledger-server-2");
                }
                // A broken file is refused; the certificate in force stays.
                Files.writeString(rotating.serverCert, "-----BEGIN CERTIFICATE-----\nbroken\n");
                awaitAbove(server.security().tls()::reloadFailures, 0);
                try (RawFrameClient fresh = RawFrameClient.connectTls(server.port(), ctx)) {
                    assertThat(fresh.peerSubject()).isEqualTo("CN=ledger-server-2");
                }
                Ack ack = live.submitAndAwait(1, List.of(TestEvents.transfer("live-1", "x", 5)));
                assertThat(ack.getResults(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
                assertThat(live.peerSubject()).isEqualTo("CN=ledger-server");
            }
        }
    }

    @Test
    void tls12IsRefusedByDefaultAndAcceptedWhenAllowed(@TempDir Path own) throws Exception {
        javax.net.ssl.SSLContext tls12WithCert = javax.net.ssl.SSLContext.getInstance("TLSv1.2");
        tls12WithCert.init(keyManagers(files.client), trustOnly(files.ca), null);
        assertThatThrownBy(() -> {
            if (RawFrameClient.connectTls(mtls.port(), tls12WithCert).hello("old", "") == null) {
                throw new java.io.EOFException("closed by the server");
            }
        }).satisfies(TlsServerTest::ioFailure);
        TlsFiles own12 = new TlsFiles(own);
        try (LedgerServer server = LedgerServer.start(config().serverId("tls12")
                .tls(new ServerConfig.Tls(own12.serverCert, own12.serverKey, null, "1.2")).build());
                RawFrameClient c = RawFrameClient.connectTls(server.port(), tlsFor(own12, "TLSv1.2"))) {
            assertThat(c.hello("tls12", "").hasWelcome()).isTrue();
            assertThat(((javax.net.ssl.SSLSocket) c.socket()).getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    private static javax.net.ssl.SSLContext tlsFor(TlsFiles f, String protocol) throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance(protocol);
        ctx.init(null, trustOnly(f.ca), null);
        return ctx;
    }

    private static javax.net.ssl.TrustManager[] trustOnly(dev.ledger.devcerts.DevCertificates ca) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca.certificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory
                .getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    private static javax.net.ssl.KeyManager[] keyManagers(dev.ledger.devcerts.DevCertificates.Issued id) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", id.key(), "pw".toCharArray(), new java.security.cert.Certificate[] {id.certificate()});
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory
                .getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        return kmf.getKeyManagers();
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateStopsStartup(@TempDir Path own) {
        TlsFiles a = new TlsFiles(own);
        Path otherKey = own.resolve("other.key");
        a.ca.issueServer("x", "IP:127.0.0.1").write(own.resolve("other.pem"), otherKey);
        assertThatThrownBy(() -> LedgerServer.start(config()
                .tls(new ServerConfig.Tls(a.serverCert, otherKey, null, "1.3")).build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not match the certificate");
    }

    private static byte[] clientHello(javax.net.ssl.SSLContext ctx) throws SSLException {
        SSLEngine engine = ctx.createSSLEngine("127.0.0.1", 1);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /** A failed TLS connection: an I/O failure, itself or as the cause of the raw client's unchecked one. */
    private static void ioFailure(Throwable t) {
        Throwable cause = t;
        while (cause != null && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("an I/O failure (TLS refused or connection closed), got %s", t).isNotNull();
    }

    private static boolean readsToEnd(Socket s) {
        try {
            byte[] buf = new byte[8192];
            while (s.getInputStream().read(buf) >= 0) {
                // the server's alert or handshake bytes, then the end
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed as well
        }
    }

    /** Waits (bounded by the test timeout) until {@code value} passes {@code floor}. */
    static void awaitAbove(LongSupplier value, long floor) throws InterruptedException {
        while (value.getAsLong() <= floor) {
            Thread.sleep(20);
        }
    }
}
