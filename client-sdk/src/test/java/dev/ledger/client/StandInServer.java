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
 * A stand-in server that answers every event of every Submit with one status, and counts how often each event id
 * reached it. By default Kafka is broken behind it: {@code STATUS_UNAVAILABLE}. With {@code dropAfterWelcome} it
 * instead closes each connection right after its Welcome, and counts connections. It never sends a Decisions frame,
 * whatever its Welcome offers.
 * Real framing (4-byte length, protobuf) on plain blocking loopback sockets; one daemon thread per connection.
 */
final class StandInServer implements AutoCloseable {

    private final ServerSocket socket;
    private final boolean dropAfterWelcome;
    private final Welcome welcome;
    private final Status answer;
    private final Map<String, AtomicInteger> sendsPerEvent = new ConcurrentHashMap<>();
    private final AtomicInteger submits = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    StandInServer(boolean dropAfterWelcome) throws IOException {
        this(dropAfterWelcome, Welcome.newBuilder().setProtocolVersion(1).setServerId("unavailable")
                .setMaxFrameBytes(1 << 20).setMaxEventsPerSubmit(1_000).setMaxInFlightEvents(100_000).build(),
                Status.STATUS_UNAVAILABLE);
    }

    /** Welcomes with {@code welcome} and answers every event {@code answer}. */
    StandInServer(boolean dropAfterWelcome, Welcome welcome, Status answer) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.dropAfterWelcome = dropAfterWelcome;
        this.welcome = welcome;
        this.answer = answer;
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

    /** Events received in all, resends included. */
    int events() {
        return sendsPerEvent.values().stream().mapToInt(AtomicInteger::get).sum();
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
                    write(out, ServerFrame.newBuilder().setWelcome(welcome).build());
                    if (dropAfterWelcome) {
                        return;
                    }
                } else if (frame.hasSubmit()) {
                    submits.incrementAndGet();
                    Ack.Builder ack = Ack.newBuilder().setRequestId(frame.getSubmit().getRequestId());
                    for (MutationEvent e : frame.getSubmit().getEventsList()) {
                        sendsPerEvent.computeIfAbsent(e.getEventId(), k -> new AtomicInteger()).incrementAndGet();
                        EventResult.Builder r = EventResult.newBuilder().setEventId(e.getEventId()).setStatus(answer);
                        ack.addResults(answer == Status.STATUS_ACCEPTED ? r : r.setReason("kafka is down (test)"));
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
