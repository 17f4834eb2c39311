package dev.ledger.client;

import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.ServerFrame;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A stand-in server that answers every Hello with one Error frame (e.g. UNAUTHENTICATED) and then closes, the way a
 * real server refuses a handshake. Plain blocking sockets on loopback; one daemon thread.
 */
final class RefusingServer implements AutoCloseable {

    private final ServerSocket socket;
    private final byte[] errorFrame;

    RefusingServer(ErrorCode code) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.errorFrame = ServerFrame.newBuilder().setError(dev.ledger.proto.Error.newBuilder().setCode(code)
                .setMessage("refused by the test")).build().toByteArray();
        Thread acceptor = new Thread(this::serve, "refusing-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String endpoint() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                DataInputStream in = new DataInputStream(client.getInputStream());
                in.readFully(new byte[in.readInt()]); // the Hello
                DataOutputStream out = new DataOutputStream(client.getOutputStream());
                out.writeInt(errorFrame.length);
                out.write(errorFrame);
                out.flush();
                client.shutdownOutput();
                while (in.read() >= 0) {
                    // until the client closes: closing first could reset the connection before it reads the Error
                }
            } catch (IOException e) {
                // a client that went away, or close(): next connection, or done
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
