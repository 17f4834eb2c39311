package dev.ledger.server.security;

import dev.ledger.server.config.ServerConfig;
import io.netty.channel.ChannelPipeline;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security side of one server, started with it: TLS (or the plaintext guard), the principals, and the file
 * watcher that reloads the certificate and principals files. {@link #addTransportHandlers} puts the first
 * handlers of every connection's pipeline.
 *
 * <p>Thread-safe; one per server; close it with the server.
 */
public final class ServerSecurity implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerSecurity.class);

    private final ServerTls tls;
    private final Principals principals;
    private final FileWatcher watcher;
    private final LongAdder tlsFailures = new LongAdder();
    private final LongAdder tlsOnPlaintextPort = new LongAdder();
    private final TlsGuard tlsGuard = new TlsGuard(tlsFailures);

    private ServerSecurity(ServerTls tls, Principals principals, FileWatcher watcher) {
        this.tls = tls;
        this.principals = principals;
        this.watcher = watcher;
    }

    /**
     * Loads the TLS files and the principals and starts watching them.
     *
     * @throws IllegalStateException naming the flag and file when one cannot be used
     */
    public static ServerSecurity start(ServerConfig config) {
        ServerConfig.Tls t = config.tls();
        ServerTls tls = t == null ? null
                : ServerTls.load(t.certFile(), t.keyFile(), t.clientCaFile(), t.minVersion(), config.handshakeTimeoutMs());
        Principals principals = config.principalsFile() != null ? Principals.load(config.principalsFile())
                : config.authTokens().isEmpty() ? Principals.open() : Principals.tokens(config.authTokens());
        if (config.principalsFile() == null && !config.authTokens().isEmpty()) {
            log.warn("auth tokens (LEDGER_AUTH_TOKENS) give every holder every permission; "
                    + "a --principals-file with token hashes, permissions and rates is the recommended form");
        }
        FileWatcher watcher = new FileWatcher();
        if (tls != null) {
            watcher.watch("TLS certificate", tls.files(), tls::reload);
        }
        if (principals.file() != null) {
            watcher.watch("principals file", java.util.List.of(principals.file()), principals::reload);
        }
        return new ServerSecurity(tls, principals, watcher);
    }

    /** First handlers of a new connection: TLS and its guard, or the guard against TLS clients on plaintext. */
    public void addTransportHandlers(ChannelPipeline p) {
        if (tls != null) {
            p.addLast("tls", tls.newHandler(p.channel().alloc()));
            p.addLast("tls-guard", tlsGuard);
        } else {
            p.addLast("plaintext-guard", new PlaintextGuard(tlsOnPlaintextPort));
        }
    }

    public Principals principals() {
        return principals;
    }

    /** Null on a plaintext port. */
    public ServerTls tls() {
        return tls;
    }

    /** Connections closed for a failed TLS handshake or a TLS error (plaintext clients on a TLS port included). */
    public long tlsFailures() {
        return tlsFailures.sum();
    }

    /** TLS clients turned away from a plaintext port. */
    public long tlsClientsOnPlaintextPort() {
        return tlsOnPlaintextPort.sum();
    }

    /** For the startup line. */
    public String describe() {
        return "tls=" + (tls == null ? "off" : tls.providerName()) + " authentication=" + principals.describe();
    }

    @Override
    public void close() {
        watcher.close();
    }
}
