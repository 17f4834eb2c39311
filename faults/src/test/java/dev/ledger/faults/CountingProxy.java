package dev.ledger.faults;

import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.MutationEvent;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of a server that forwards every byte unchanged and, between
 * {@link #startCounting()} and {@link #stopCounting()}, counts the Submit frames and the copies of each event id
 * the client sends through it: what the server receives from that client during a fault. It reads the client's
 * side frame by frame (4-byte length, then a {@code ClientFrame}), so it sees exactly the frames the server will.
 *
 * <p>Thread-safe; two daemon threads per connection plus the acceptor.
 */
final class CountingProxy implements AutoCloseable {

    /** What arrived while counting. */
    record Counts(long submitFrames, Map<String, Integer> sendsPerEvent) {

        int maxSendsPerEvent() {
            return sendsPerEvent.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }

        double meanSendsPerEvent() {
            return sendsPerEvent.values().stream().mapToInt(Integer::intValue).average().orElse(0);
        }
    }

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> sends = new ConcurrentHashMap<>();
    private final AtomicLong submitFrames = new AtomicLong();
    private volatile boolean counting;

    CountingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("proxy-accept", this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    void startCounting() {
        sends.clear();
        submitFrames.set(0);
        counting = true;
    }

    Counts stopCounting() {
        counting = false;
        Map<String, Integer> copy = new HashMap<>();
        sends.forEach((id, n) -> copy.put(id, n.get()));
        return new Counts(submitFrames.get(), copy);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress("127.0.0.1", targetPort), 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                daemon("proxy-up", () -> pumpFrames(client, server));
                daemon("proxy-down", () -> pumpBytes(server, client));
            } catch (IOException e) {
                // closed, or the server refused this one: the client sees its connection end and reconnects
            }
        }
    }

    private void pumpFrames(Socket from, Socket to) {
        try {
            DataInputStream in = new DataInputStream(from.getInputStream());
            DataOutputStream out = new DataOutputStream(to.getOutputStream());
            while (true) {
                int length = in.readInt();
                byte[] body = new byte[length];
                in.readFully(body);
                out.writeInt(length);
                out.write(body);
                out.flush();
                if (counting) {
                    count(body);
                }
            }
        } catch (IOException e) {
            closeBoth(from, to);
        }
    }

    private void count(byte[] body) {
        try {
            ClientFrame frame = ClientFrame.parseFrom(body);
            if (frame.hasSubmit()) {
                submitFrames.incrementAndGet();
                for (MutationEvent e : frame.getSubmit().getEventsList()) {
                    sends.computeIfAbsent(e.getEventId(), k -> new AtomicInteger()).incrementAndGet();
                }
            }
        } catch (IOException e) {
            // not a frame the SDK would send; the server will answer it, nothing to count
        }
    }

    private void pumpBytes(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side went away
        }
        closeBoth(from, to);
    }

    private static void closeBoth(Socket a, Socket b) {
        try {
            a.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            b.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
