package dev.ledger.server;

import dev.ledger.server.admin.AdminServer;
import dev.ledger.server.admin.MinuteSummary;
import dev.ledger.server.admin.ServerMetrics;
import dev.ledger.server.codec.ServerFrames;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.server.decisions.DecisionReader;
import dev.ledger.server.decisions.DecisionRouter;
import dev.ledger.server.kafka.ByteBudget;
import dev.ledger.server.kafka.KafkaCircuit;
import dev.ledger.server.kafka.KafkaEventWriter;
import dev.ledger.server.kafka.KafkaMaintenance;
import dev.ledger.server.kafka.KafkaReachability;
import dev.ledger.server.kafka.ProducerSettings;
import dev.ledger.server.kafka.ProducerSlot;
import dev.ledger.server.kafka.TopicDurability;
import dev.ledger.server.kafka.TopicInitializer;
import dev.ledger.server.security.ServerSecurity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops one ingest server: Kafka topic and producer, event loops, listening socket. The protocol lives
 * in {@link ConnectionHandler}; this class only wires and unwires. Thread-safe; close it once.
 */
public final class LedgerServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LedgerServer.class);
    private static final Duration KAFKA_STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final long DRAIN_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How often the partition list is re-read from the producer's cached metadata (off the event loops). */
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(1);
    private static final Duration WEAK_DURABILITY_WARNING_PERIOD = Duration.ofMinutes(1);
    private static final Duration SUMMARY_PERIOD = Duration.ofMinutes(1);
    private static final Duration REACHABILITY_PERIOD = Duration.ofSeconds(1);
    /** How long /livez waits for every event loop to run a no-op task. */
    private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(2);

    private final ServerContext context;
    private final KafkaMaintenance maintenance;
    private final TopicDurability durability;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final DecisionReader decisionReader;
    private final KafkaReachability reachability;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile AdminServer admin;

    private LedgerServer(ServerContext context, KafkaMaintenance maintenance, TopicDurability durability,
            EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel, DecisionReader decisionReader,
            KafkaReachability reachability) {
        this.reachability = reachability;
        this.context = context;
        this.decisionReader = decisionReader;
        this.maintenance = maintenance;
        this.durability = durability;
        this.bossGroup = boss;
        this.workerGroup = workers;
        this.serverChannel = serverChannel;
    }

    /**
     * Creates the topic if missing, checks what it can promise (production mode refuses a weak topic unless
     * {@code allowWeakDurability}), loads its metadata, binds; returns once connections are accepted. Blocking.
     *
     * @throws IllegalStateException when Kafka cannot be reached or the topic is refused (the message says why)
     */
    public static LedgerServer start(ServerConfig config) {
        return start(config, KafkaProducer::new);
    }

    /** {@link #start(ServerConfig)} with the producer factory as a seam for tests. */
    static LedgerServer start(ServerConfig config, Function<Properties, Producer<byte[], byte[]>> producerFactory) {
        ServerSecurity security = ServerSecurity.start(config); // first: a bad certificate or principals file fails fast
        TopicDurability durability;
        TopicDurability.Verdict verdict;
        try {
            durability = TopicInitializer.ensureTopic(config.bootstrapServers(),
                    ProducerSettings.connectionSettings(config.producerProperties()), config.topic(),
                    config.topicPartitions(), config.topicReplicationFactor(), KAFKA_STARTUP_TIMEOUT);
            verdict = durability.judge(config.bootstrapServers(), config.developmentMode(), config.allowWeakDurability());
        } catch (RuntimeException e) {
            security.close();
            throw e;
        }
        Properties props = ProducerSettings.build(config.bootstrapServers(), config.serverId(), config.producerProperties());
        Producer<byte[], byte[]> producer = producerFactory.apply(props);
        KafkaMaintenance maintenance = new KafkaMaintenance();
        Transport transport = Transport.best();
        EventLoopGroup boss = transport.newGroup(1);
        EventLoopGroup workers = transport.newGroup(0);
        DecisionRouter router = new DecisionRouter();
        DecisionReader decisionReader = null;
        KafkaReachability reachability = null;
        LedgerServer server = null;
        ServerMetrics metrics = new ServerMetrics();
        try {
            List<Integer> partitions = TopicInitializer.loadPartitions(producer, config.topic(), KAFKA_STARTUP_TIMEOUT);
            ProducerSlot producers = new ProducerSlot(producer, () -> producerFactory.apply(props), config.topic(),
                    maintenance.executor(), KAFKA_STARTUP_TIMEOUT);
            KafkaEventWriter writer = new KafkaEventWriter(producers, config.topic(), partitions, config.serverId(),
                    new ByteBudget(ProducerSettings.budgetBytes(props)), new KafkaCircuit(config.circuitFailureThreshold(), config.circuitOpenMs(), config.ackTimeoutMs()),
                    metrics::kafkaSendCompleted);
            maintenance.every(PARTITION_REFRESH, "partition refresh", writer::refreshPartitions);
            warnIfWeak(verdict, durability, config, maintenance, writer);
            decisionReader = DecisionReader.start(config.bootstrapServers(), config.decisionsTopic(), config.serverId(),
                    config.producerProperties(), router);
            ServerContext context = new ServerContext(config, writer, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                    security, router, metrics);
            ServerGauges.register(metrics, context);
            reachability = KafkaReachability.start(config.bootstrapServers(),
                    ProducerSettings.connectionSettings(config.producerProperties()), config.topic(), maintenance,
                    REACHABILITY_PERIOD);
            Channel channel = new ServerBootstrap().group(boss, workers).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ServerInitializer(context))
                    .bind(config.bindAddress(), config.port()).syncUninterruptibly().channel();
            server = new LedgerServer(context, maintenance, durability, boss, workers, channel, decisionReader,
                    reachability);
            if (config.adminPort() != 0) {
                LedgerServer s = server;
                try {
                    server.admin = AdminServer.start(config.adminBindAddress(), config.adminPort(), metrics,
                            s::liveProblem, s::readyProblem);
                } catch (java.io.UncheckedIOException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
            maintenance.every(SUMMARY_PERIOD, "minute summary",
                    new MinuteSummary(metrics, () -> context.connections().get()));
            log.info("ledger server listening on {}:{} ({}, {}), topic {} with {} partitions, durability: {}; config: {}",
                    config.bindAddress(), server.port(), transport.name(), security.describe(), config.topic(),
                    partitions.size(), durability.describe(), config.describe());
            return server;
        } catch (RuntimeException e) {
            if (server != null) {
                server.serverChannel.close();
            }
            if (reachability != null) {
                reachability.close();
            }
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            maintenance.close();
            security.close();
            producer.close(Duration.ZERO);
            if (decisionReader != null) {
                decisionReader.close();
            }
            throw e;
        }
    }

    private static void warnIfWeak(TopicDurability.Verdict verdict, TopicDurability durability, ServerConfig config,
            KafkaMaintenance maintenance, KafkaEventWriter writer) {
        if (verdict != TopicDurability.Verdict.DURABLE) {
            log.warn(durability.warning(config.bootstrapServers(), config.developmentMode()));
        }
        if (verdict == TopicDurability.Verdict.WARN_EVERY_MINUTE) {
            // With the live partition count, so the fix command covers partitions added since startup.
            maintenance.every(WEAK_DURABILITY_WARNING_PERIOD, "weak durability warning", () -> log.warn(durability
                    .withPartitions(writer.partitions().size())
                    .warning(config.bootstrapServers(), config.developmentMode())));
        }
    }

    /** The admin HTTP port, or -1 when it is off. */
    public int adminPort() {
        AdminServer a = admin;
        return a == null ? -1 : a.port();
    }

    /** The server's metrics (the admin port serves them; embedders and tests may read them). */
    public ServerMetrics metrics() {
        return context.metrics();
    }

    /** {@code null} while every event loop runs a no-op task within {@link #LIVENESS_TIMEOUT}; else which did not. */
    String liveProblem() {
        long deadline = System.nanoTime() + LIVENESS_TIMEOUT.toNanos();
        List<io.netty.util.concurrent.Future<?>> pings = new java.util.ArrayList<>();
        for (EventLoopGroup group : List.of(bossGroup, workerGroup)) {
            if (group.isShuttingDown()) {
                return null; // stopping on purpose: the process is still live until it exits
            }
            group.forEach(loop -> pings.add(loop.submit(() -> { })));
        }
        for (io.netty.util.concurrent.Future<?> ping : pings) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !ping.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return "an event loop did not run a task within " + LIVENESS_TIMEOUT.toMillis() + " ms";
            }
        }
        return null;
    }

    /**
     * {@code null} when ready for traffic: not draining, Kafka's metadata reachable, and the circuit closed or
     * Kafka reachable since its last failure ({@link KafkaReachability#problem(KafkaCircuit)}: a circuit only a
     * send can close must not keep a server that gets no traffic out of its load balancer for good).
     */
    String readyProblem() {
        if (stopped.get()) {
            return "draining: shutting down";
        }
        return reachability.problem(context.writer().circuit());
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public String serverId() {
        return context.config().serverId();
    }

    /**
     * What the topic can promise: replication, min ISR and unclean election as described at startup (also in the
     * startup log line), with the partition count the server follows now (it grows when partitions are added).
     */
    public TopicDurability topicDurability() {
        return durability.withPartitions(partitionCount());
    }

    /** The topic's partition count as the server follows it (grows when partitions are added). */
    public int partitionCount() {
        return context.writer().partitions().size();
    }

    /** How many times a fatally failed Kafka producer was replaced since start. */
    public long producerReplacements() {
        return context.writer().producers().replacements();
    }

    /** The decision reader, for tests: how many decisions it routed and skipped. */
    DecisionReader decisionReader() {
        return decisionReader;
    }

    /** The server's TLS and principals (failure counters, the TLS provider in use). */
    public ServerSecurity security() {
        return context.security();
    }

    /** Shared state, for tests in this package (in-flight counters, budget). */
    ServerContext context() {
        return context;
    }

    /**
     * Stops accepting, sends GoAway to every connection, waits up to {@code drainTimeout} for every in-flight
     * Submit to be answered (what is still open then is answered UNAVAILABLE), closes the connections, then
     * flushes and closes the producer. Blocking; idempotent; never call it from an event loop.
     */
    public void shutdownGracefully(Duration drainTimeout) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        // /readyz answers 503 from here on, before any GoAway: the orchestrator stops sending first.
        log.info("draining: /readyz now answers 503; GoAway to {} connections", context.channels().size());
        serverChannel.close().syncUninterruptibly();
        context.channels().writeAndFlush(ServerFrames.goAway("server " + serverId() + " is shutting down"));
        // Drained = nothing pending for a short quiet period (Submits already in socket buffers still arrive).
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        long quietSince = System.nanoTime();
        // The count is read on every pass before the quiet period is judged: a sleep that overran (a loaded
        // machine) must not end the drain while Submits are still pending.
        for (long now = System.nanoTime(); now < deadline; now = System.nanoTime()) {
            if (context.inFlight().submits() > 0) {
                quietSince = now;
            } else if (now - quietSince >= DRAIN_QUIET_NANOS) {
                break;
            }
            sleepMillis(5);
        }
        long left = context.inFlight().submits();
        if (left > 0) {
            log.warn("{} Submits still unanswered after {}; answering them UNAVAILABLE", left, drainTimeout);
        }
        for (Channel ch : context.channels()) {
            ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(ConnectionHandler.DRAIN_DEADLINE));
        }
        context.channels().newCloseFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        context.channels().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        maintenance.close();
        reachability.close();
        decisionReader.close();
        context.security().close();
        context.writer().producers().close(Duration.ofSeconds(10));
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        AdminServer a = admin;
        if (a != null) {
            a.close();
        }
        log.info("ledger server {} stopped", serverId());
    }

    /** {@link #shutdownGracefully} with the configured drain timeout. */
    @Override
    public void close() {
        shutdownGracefully(Duration.ofMillis(context.config().drainTimeoutMs()));
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
