package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.proto.Welcome;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Against a minimal in-test server that acknowledges every event ACCEPTED and never sends a Decisions frame: the
 * client keeps accepted, undecided events counted against the server's window (as the server does), and gives up on
 * a Decisions frame overdue past the server's decision timeout by resending.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DecisionWindowTest {

    private static final int WINDOW = 10;

    /** Serves one connection until it closes; counts the events it receives. */
    private static final class SilentDecider implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger received = new AtomicInteger();

        SilentDecider(long decisionTimeoutMs) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> serve(decisionTimeoutMs), "silent-decider");
            t.setDaemon(true);
            t.start();
        }

        private void serve(long decisionTimeoutMs) {
            try (Socket client = socket.accept()) {
                DataInputStream in = new DataInputStream(client.getInputStream());
                DataOutputStream out = new DataOutputStream(client.getOutputStream());
                while (true) {
                    byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    ClientFrame frame = ClientFrame.parseFrom(body);
                    if (frame.hasHello()) {
                        write(out, ServerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1)
                                .setServerId("silent").setMaxFrameBytes(1 << 20).setMaxEventsPerSubmit(1000)
                                .setMaxInFlightEvents(WINDOW).setDecisions(true)
                                .setDecisionTimeoutMs((int) decisionTimeoutMs)).build());
                    } else if (frame.hasSubmit()) {
                        Ack.Builder ack = Ack.newBuilder().setRequestId(frame.getSubmit().getRequestId());
                        for (MutationEvent e : frame.getSubmit().getEventsList()) {
                            received.incrementAndGet();
                            ack.addResults(EventResult.newBuilder().setEventId(e.getEventId())
                                    .setStatus(Status.STATUS_ACCEPTED).setOffset(received.get()));
                        }
                        write(out, ServerFrame.newBuilder().setAck(ack).build());
                    }
                }
            } catch (IOException e) {
                // the client closed
            }
        }

        private static void write(DataOutputStream out, ServerFrame frame) throws IOException {
            byte[] bytes = frame.toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
        }

        String endpoint() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void acceptedUndecidedEventsKeepCountingAgainstTheServersWindow() throws Exception {
        try (SilentDecider server = new SilentDecider(60_000);
                LedgerClient client = LedgerClient.builder().endpoints(server.endpoint()).maxInFlightEvents(1000)
                        .requestTimeout(Duration.ofSeconds(4)).build()) {
            for (int i = 0; i < 40; i++) {
                client.submitForDecision(Mutations.topUp("acct-" + i, "bank", 1, "USD"));
            }
            Thread.sleep(1500);
            assertThat(server.received.get()).as("events sent while none is decided (window %d)", WINDOW)
                    .isEqualTo(WINDOW);
        }
    }

    @Test
    void aDecisionsFrameOverdueFreesTheWindowAndTheEventsAreResent() throws Exception {
        try (SilentDecider server = new SilentDecider(200);
                LedgerClient client = LedgerClient.builder().endpoints(server.endpoint()).maxInFlightEvents(1000)
                        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                        .requestTimeout(Duration.ofSeconds(4)).build()) {
            for (int i = 0; i < WINDOW; i++) {
                client.submitForDecision(Mutations.topUp("acct-" + i, "bank", 1, "USD"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (server.received.get() <= WINDOW) {
                assertThat(System.nanoTime()).as("resent after 200 ms + the grace").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(client.stats().eventsRetried()).isGreaterThanOrEqualTo(WINDOW);
        }
    }
}
