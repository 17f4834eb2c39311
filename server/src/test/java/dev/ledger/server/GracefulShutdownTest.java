package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shutdown sends GoAway and still answers every Submit that was in flight. */
class GracefulShutdownTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSingleNode();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shutdownSendsGoAwayAndAnswersEverySubmitInFlight() throws Exception {
        LedgerServer server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true).bindAddress("127.0.0.1").port(0).topic("ledger.shutdown").build());
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "draining")) {
            int submits = 30;
            for (long id = 0; id < submits; id++) {
                List<MutationEvent> events = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    events.add(TestEvents.transfer("s" + i, "t" + i, 11));
                }
                c.submit(id, events);
            }
            // Frames are handled in order: once the Pong is back, every Submit has reached the server.
            c.ping(1);
            Map<Long, List<EventResult>> acks = new HashMap<>();
            for (ServerFrame f = c.read(); !f.hasPong(); f = c.read()) {
                acks.put(f.getAck().getRequestId(), f.getAck().getResultsList());
            }
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(
                    () -> server.shutdownGracefully(Duration.ofSeconds(20)));
            boolean goAway = false;
            while (!goAway || acks.size() < submits) {
                ServerFrame f = c.read();
                if (f.hasGoAway()) {
                    goAway = true;
                } else {
                    acks.put(f.getAck().getRequestId(), f.getAck().getResultsList());
                }
            }
            assertThat(acks).hasSize(submits);
            assertThat(acks.values()).allSatisfy(results -> assertThat(results).hasSize(50)
                    .extracting(EventResult::getStatus).containsOnly(Status.STATUS_ACCEPTED));
            assertThat(c.closedByServer()).isTrue();
            shutdown.get(30, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }
}
