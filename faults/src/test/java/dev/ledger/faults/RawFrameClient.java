package dev.ledger.faults;

import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.Hello;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Ping;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Submit;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * A hand-rolled protocol client on a plain blocking socket: it can send anything, valid frames or garbage, and
 * read the server's frames one by one. The fault tests use it where the SDK would be too polite (bad input,
 * connections that vanish with events in flight, a Ping during a Kafka outage).
 *
 * <p>Not thread-safe: one test thread owns one instance.
 */
final class RawFrameClient implements AutoCloseable {

    /** Largest server frame this client accepts; the server never needs more for one Ack. */
    private static final int MAX_SERVER_FRAME_BYTES = 16 * 1024 * 1024;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawFrameClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    static RawFrameClient connect(int port) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return new RawFrameClient(socket);
        } catch (IOException e) {
            throw new IllegalStateException("could not connect to 127.0.0.1:" + port, e);
        }
    }

    /** Connects, says Hello and returns the client once the Welcome arrived. */
    static RawFrameClient connectAndHello(int port, String clientName) {
        RawFrameClient client = connect(port);
        client.send(helloFrame(clientName));
        ServerFrame reply = client.read(Duration.ofSeconds(10));
        if (reply == null || !reply.hasWelcome()) {
            client.close();
            throw new IllegalStateException("expected Welcome, got " + reply);
        }
        return client;
    }

    static ClientFrame helloFrame(String clientName) {
        return ClientFrame.newBuilder()
                .setHello(Hello.newBuilder().setProtocolVersion(1).setClientName(clientName))
                .build();
    }

    static ClientFrame submitFrame(long requestId, List<MutationEvent> events) {
        return ClientFrame.newBuilder()
                .setSubmit(Submit.newBuilder().setRequestId(requestId).addAllEvents(events))
                .build();
    }

    static ClientFrame pingFrame(long nonce) {
        return ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build();
    }

    /** The length prefix and bytes of {@code frame}, as one array. */
    static byte[] framed(ClientFrame frame) {
        byte[] body = frame.toByteArray();
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    void send(ClientFrame frame) {
        sendRaw(framed(frame));
    }

    void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("write failed: " + e, e);
        }
    }

    /** Like {@link #sendRaw} but reports a failed write (peer closed) as {@code false} instead of throwing. */
    boolean trySendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads the next server frame.
     *
     * @return the frame, or {@code null} if the server closed the connection
     * @throws IllegalStateException if nothing arrived within {@code timeout}
     */
    ServerFrame read(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            int length = in.readInt();
            if (length < 0 || length > MAX_SERVER_FRAME_BYTES) {
                throw new IllegalStateException("server sent an impossible frame length " + length);
            }
            byte[] body = new byte[length];
            in.readFully(body);
            return ServerFrame.parseFrom(body);
        } catch (EOFException | SocketException e) {
            return null; // closed or reset by the server
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no server frame within " + timeout, e);
        } catch (IOException e) {
            throw new IllegalStateException("read failed: " + e, e);
        }
    }

    /** Reads frames (skipping Acks, Pongs, GoAways) until an Error arrives and returns its code. */
    ErrorCode awaitError(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("no Error frame within " + timeout);
            }
            ServerFrame frame = read(Duration.ofNanos(left));
            if (frame == null) {
                throw new IllegalStateException("connection closed without an Error frame");
            }
            if (frame.hasError()) {
                return frame.getError().getCode();
            }
        }
    }

    /** True once the server closed the connection (EOF or reset) within {@code timeout}; skips frames. */
    boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                if (read(Duration.ofNanos(left)) == null) {
                    return true;
                }
            } catch (IllegalStateException timeoutOrGarbage) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
            }
        }
    }

    Socket socket() {
        return socket;
    }

    /** Closes with an RST instead of a FIN: the abrupt way a crashed process disappears. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
