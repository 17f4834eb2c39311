package dev.ledger.client;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in server with a broken Kafka behind it: it welcomes every client and answers every event of every
 * Submit with {@code STATUS_UNAVAILABLE}, and counts how often each event id reached it. With
 * {@code dropAfterWelcome} it instead closes each connection right after its Welcome, and counts connections.
 * Real framing (4-byte length, protobuf) on plain blocking loopback sockets; one daemon thread per connection.
 */
final class UnavailableServer implements AutoCloseable {

    private final ServerSocket socket;
    private final boolean dropAfterWelcome;
    private final Map<String, AtomicInteger> sendsPerEvent = new ConcurrentHashMap<>();
    private final AtomicInteger submits = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    UnavailableServer(boolean dropAfterWelcome) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.dropAfterWelcome = dropAfterWelcome;
        Thread acceptor = new Thread(this::accept, "unavailable-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String endpoint() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** How many times each event id arrived in a Submit. */
    Map<String, AtomicInteger> sendsPerEvent() {
        return sendsPerEvent;
    }

    int submits() {
        return submits.get();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(client), "unavailable-server-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(client.getInputStream());
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            while (true) {
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                ClientFrame frame = ClientFrame.parseFrom(body);
                if (frame.hasHello()) {
                    write(out, ServerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1)
                            .setServerId("unavailable").setMaxFrameBytes(1 << 20).setMaxEventsPerSubmit(1_000)
                            .setMaxInFlightEvents(100_000)).build());
                    if (dropAfterWelcome) {
                        return;
                    }
                } else if (frame.hasSubmit()) {
                    submits.incrementAndGet();
                    Ack.Builder ack = Ack.newBuilder().setRequestId(frame.getSubmit().getRequestId());
                    for (MutationEvent e : frame.getSubmit().getEventsList()) {
                        sendsPerEvent.computeIfAbsent(e.getEventId(), k -> new AtomicInteger()).incrementAndGet();
                        ack.addResults(EventResult.newBuilder().setEventId(e.getEventId())
                                .setStatus(Status.STATUS_UNAVAILABLE).setReason("kafka is down (test)"));
                    }
                    write(out, ServerFrame.newBuilder().setAck(ack).build());
                }
            }
        } catch (IOException e) {
            // the client went away, or close()
        }
    }

    private static void write(DataOutputStream out, ServerFrame frame) throws IOException {
        byte[] bytes = frame.toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
