package dev.ledger.testkit.support;

import dev.ledger.proto.Ack;
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
 * read the server's frames one by one. For tests where the SDK would be too polite (bad input, connections that
 * vanish with events in flight, a Ping during a Kafka outage) and for readiness probes. Loopback only.
 *
 * <p>Failures are unchecked ({@link IllegalStateException}); {@link #read(Duration)} returns {@code null} when the
 * server closed the connection. Not thread-safe: one test thread owns one instance.
 */
public final class RawFrameClient implements AutoCloseable {

    /** Largest server frame this client accepts; the server never needs more for one Ack. */
    private static final int MAX_SERVER_FRAME_BYTES = 16 * 1024 * 1024;
    /** How long {@link #read()} waits for a frame. */
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawFrameClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
    }

    /** Connects to {@code 127.0.0.1:port} without saying anything. */
    public static RawFrameClient connect(int port) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return new RawFrameClient(socket);
        } catch (IOException e) {
            throw new IllegalStateException("could not connect to 127.0.0.1:" + port, e);
        }
    }

    /** Connects to {@code 127.0.0.1:port} over TLS with {@code tls} and completes the TLS handshake. */
    public static RawFrameClient connectTls(int port, javax.net.ssl.SSLContext tls) {
        try {
            javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) DEFAULT_READ_TIMEOUT.toMillis());
            socket.startHandshake();
            return new RawFrameClient(socket);
        } catch (IOException e) {
            throw new IllegalStateException("could not connect over TLS to 127.0.0.1:" + port + ": " + e, e);
        }
    }

    /** The server certificate's subject, on a TLS connection. */
    public String peerSubject() {
        try {
            var cert = (java.security.cert.X509Certificate) ((javax.net.ssl.SSLSocket) socket).getSession()
                    .getPeerCertificates()[0];
            return cert.getSubjectX500Principal().getName();
        } catch (IOException e) {
            throw new IllegalStateException("no peer certificate: " + e, e);
        }
    }

    /** Connects, says Hello and returns the client once the Welcome arrived; throws if anything else came. */
    public static RawFrameClient connectAndHello(int port, String clientName) {
        RawFrameClient client = connect(port);
        try {
            ServerFrame reply = client.hello(clientName, "", Duration.ofSeconds(10));
            if (reply == null || !reply.hasWelcome()) {
                throw new IllegalStateException("expected Welcome, got " + reply);
            }
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** True once a server on {@code port} answers a Hello with a Welcome: it is ready. Never throws. */
    public static boolean answersHello(int port) {
        try {
            connectAndHello(port, "readiness-probe").close();
            return true;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    public static ClientFrame helloFrame(String clientName) {
        return helloFrame(clientName, "");
    }

    public static ClientFrame helloFrame(String clientName, String authToken) {
        return ClientFrame.newBuilder()
                .setHello(Hello.newBuilder().setProtocolVersion(1).setClientName(clientName).setAuthToken(authToken))
                .build();
    }

    public static ClientFrame submitFrame(long requestId, List<MutationEvent> events) {
        return ClientFrame.newBuilder()
                .setSubmit(Submit.newBuilder().setRequestId(requestId).addAllEvents(events))
                .build();
    }

    public static ClientFrame pingFrame(long nonce) {
        return ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build();
    }

    /** The length prefix and bytes of {@code frame}, as one array. */
    public static byte[] framed(ClientFrame frame) {
        return framed(frame.toByteArray());
    }

    /** A 4-byte big-endian length prefix followed by {@code payload}. */
    public static byte[] framed(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    /** Sends Hello and returns the server's reply (Welcome, or an Error), or {@code null} if it closed. */
    public ServerFrame hello(String clientName, String authToken) {
        return hello(clientName, authToken, DEFAULT_READ_TIMEOUT);
    }

    private ServerFrame hello(String clientName, String authToken, Duration timeout) {
        send(helloFrame(clientName, authToken));
        return read(timeout);
    }

    public void send(ClientFrame frame) {
        sendRaw(framed(frame));
    }

    /** Frames {@code payload} (length prefix) and sends it: for payloads that are not a valid ClientFrame. */
    public void sendFramed(byte[] payload) {
        sendRaw(framed(payload));
    }

    /** Sends {@code bytes} exactly as given, without a length prefix. */
    public void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("write failed: " + e, e);
        }
    }

    /** Like {@link #sendRaw} but reports a failed write (peer closed) as {@code false} instead of throwing. */
    public boolean trySendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public void submit(long requestId, List<MutationEvent> events) {
        send(submitFrame(requestId, events));
    }

    public void ping(long nonce) {
        send(pingFrame(nonce));
    }

    /** Sends one Submit and returns its Ack, which must be the next frame. */
    public Ack submitAndAwait(long requestId, List<MutationEvent> events) {
        submit(requestId, events);
        ServerFrame f = read();
        if (f == null || !f.hasAck() || f.getAck().getRequestId() != requestId) {
            throw new IllegalStateException("expected Ack " + requestId + ", got " + f);
        }
        return f.getAck();
    }

    /** {@link #read(Duration)} with a 30 s timeout. */
    public ServerFrame read() {
        return read(DEFAULT_READ_TIMEOUT);
    }

    /**
     * Reads the next server frame.
     *
     * @return the frame, or {@code null} if the server closed the connection
     * @throws IllegalStateException if nothing arrived within {@code timeout}
     */
    public ServerFrame read(Duration timeout) {
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

    /**
     * The next frame if one starts to arrive within {@code timeout}, else {@code null} with nothing consumed.
     * Unlike {@link #read(Duration)}, a closed connection throws here, so {@code null} means only "nothing yet".
     */
    public ServerFrame readWithin(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            in.mark(4);
            int first = in.read();
            if (first < 0) {
                throw new IllegalStateException("connection closed by the server");
            }
            in.reset();
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("read failed: " + e, e);
        }
        ServerFrame frame = read(DEFAULT_READ_TIMEOUT);
        if (frame == null) {
            throw new IllegalStateException("connection closed by the server mid-frame");
        }
        return frame;
    }

    /** Reads frames (skipping Acks, Pongs, GoAways) until an Error arrives and returns its code. */
    public ErrorCode awaitError(Duration timeout) {
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
    public boolean awaitClosed(Duration timeout) {
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

    /** True when the server closed the connection (EOF or reset) before sending anything more (waits 30 s). */
    public boolean closedByServer() {
        try {
            socket.setSoTimeout((int) DEFAULT_READ_TIMEOUT.toMillis());
            return in.read() == -1;
        } catch (EOFException | SocketException e) {
            return true;
        } catch (IOException e) {
            throw new IllegalStateException("read failed: " + e, e);
        }
    }

    public Socket socket() {
        return socket;
    }

    /** Closes with an RST instead of a FIN: the abrupt way a crashed process disappears. */
    public void abort() {
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
