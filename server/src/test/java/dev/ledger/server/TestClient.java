package dev.ledger.server;

import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.Hello;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Ping;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Submit;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/** A tiny blocking protocol client for tests: frames ClientFrames, reads ServerFrames. Not thread-safe. */
final class TestClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private TestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    static TestClient connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(30_000);
        s.setTcpNoDelay(true);
        return new TestClient(s);
    }

    /** Connects over TLS and completes the TLS handshake (not the protocol's Hello). */
    static TestClient connectTls(int port, javax.net.ssl.SSLContext tls) throws IOException {
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(30_000);
        s.setTcpNoDelay(true);
        s.startHandshake();
        return new TestClient(s);
    }

    Socket socket() {
        return socket;
    }

    /** The server certificate's subject, for a TLS connection. */
    String peerSubject() throws IOException {
        var cert = (java.security.cert.X509Certificate) ((javax.net.ssl.SSLSocket) socket).getSession()
                .getPeerCertificates()[0];
        return cert.getSubjectX500Principal().getName();
    }

    /** Connects and completes the handshake; returns the client ready for Submits. */
    static TestClient connected(int port, String name) throws IOException {
        TestClient c = connect(port);
        ServerFrame welcome = c.hello(name, "");
        if (!welcome.hasWelcome()) {
            throw new IllegalStateException("expected Welcome, got " + welcome);
        }
        return c;
    }

    ServerFrame hello(String name, String token) throws IOException {
        send(ClientFrame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1).setClientName(name)
                .setAuthToken(token)).build());
        return read();
    }

    void send(ClientFrame frame) throws IOException {
        sendRaw(frame.toByteArray());
    }

    /** Writes a length prefix and the bytes. */
    void sendRaw(byte[] payload) throws IOException {
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    /** Writes bytes without framing them. */
    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void submit(long requestId, List<MutationEvent> events) throws IOException {
        send(ClientFrame.newBuilder().setSubmit(Submit.newBuilder().setRequestId(requestId).addAllEvents(events)).build());
    }

    void ping(long nonce) throws IOException {
        send(ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
    }

    Ack submitAndAwait(long requestId, List<MutationEvent> events) throws IOException {
        submit(requestId, events);
        ServerFrame f = read();
        if (!f.hasAck() || f.getAck().getRequestId() != requestId) {
            throw new IllegalStateException("expected Ack " + requestId + ", got " + f);
        }
        return f.getAck();
    }

    ServerFrame read() throws IOException {
        int length = in.readInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        return ServerFrame.parseFrom(payload);
    }

    /** The next frame if one arrives within {@code timeoutMs}, else null (nothing consumed). */
    ServerFrame readWithin(int timeoutMs) throws IOException {
        int previous = socket.getSoTimeout();
        socket.setSoTimeout(timeoutMs);
        try {
            return read();
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(previous);
        }
    }

    /** True when the server closed the connection (EOF or reset) before sending anything more. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
