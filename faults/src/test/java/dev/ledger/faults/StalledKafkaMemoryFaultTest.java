package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.testkit.support.ChildJvm;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 5: Kafka stalls (its only broker is stopped) while a raw client keeps pushing Submits and never reads
 * an Ack. The server, a child JVM with {@value #SERVER_XMX}, must bound its memory by stopping reading that socket
 * (its in-flight window, then the unread Acks, push back through TCP) instead of buffering: the client's writes
 * stall, the server's heap after a GC stays under {@value #HEAP_CEILING_MB} MB and its off-heap buffers under
 * {@value #DIRECT_CEILING_MB} MB (both read from outside with {@code jcmd}), and its
 * event loop still answers a Ping on another connection. An SDK client on the same server rides the stall out.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StalledKafkaMemoryFaultTest {

    private static final String TOPIC = "faults.kafka-stall";
    private static final String SERVER_XMX = "-Xmx256m";
    private static final long HEAP_CEILING_MB = 128;
    /** Netty's buffers live off-heap: they are capped here and measured with native memory tracking. */
    private static final long DIRECT_LIMIT_MB = 192;
    private static final long DIRECT_CEILING_MB = 64;
    /** A server that keeps reading would take this much from one client before the test gives up. */
    private static final long RUNAWAY_BYTES = 512L * 1024 * 1024;
    private static final int EVENTS_PER_SUBMIT = 100;

    private static EmbeddedKafka kafka;
    private static ChildJvm server;
    private static int port;

    @BeforeAll
    static void startServer() {
        kafka = SharedKafka.singleNode();
        kafka.createTopic(TOPIC, 3, 1, Map.of());
        port = Servers.freePort();
        server = Servers.startChildServer("server-stall", List.of(SERVER_XMX, "-XX:+UseG1GC",
                        "-XX:MaxDirectMemorySize=" + DIRECT_LIMIT_MB + "m", "-XX:NativeMemoryTracking=summary"),
                kafka.bootstrapServers(), port, TOPIC, List.of("--ack-timeout-ms", "2000"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void stalledKafkaMakesTheServerStopReadingInsteadOfBufferingAndHeapStaysBounded() throws Exception {
        long baselineMb = heapUsedAfterGcMb(server.pid());
        boolean brokerDown = false;
        try (LedgerClient client = LedgerClient.builder()
                        .endpoints("127.0.0.1:" + port)
                        .clientName("stall-neighbour")
                        .requestTimeout(Duration.ofSeconds(90))
                        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .build();
                RawFrameClient pinger = RawFrameClient.connectAndHello(port, "stall-pinger")) {
            LoadRunner load = LoadRunner.start(client, "stall", 1, 100, 200);
            assertThat(load.awaitAccepted(100, Duration.ofSeconds(30))).as("load warmed up").isTrue();

            load.faultStarted();
            kafka.stopAllBrokers();
            brokerDown = true;
            Push push = pushUntilWritesStall(Duration.ofSeconds(3), Duration.ofSeconds(60));
            long stalledMb = heapUsedAfterGcMb(server.pid());
            long directMb = offHeapOtherMb(server.pid());
            long pingStart = System.nanoTime();
            pinger.send(RawFrameClient.pingFrame(42));
            ServerFrame pong = pinger.read(Duration.ofSeconds(1));
            long pongMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pingStart);
            push.channel.close();

            kafka.startAllBrokers();
            brokerDown = false;
            assertThat(load.awaitAccepted(load.accepted() + 200, Duration.ofSeconds(60)))
                    .as("SDK load completes after Kafka is back").isTrue();
            load.faultEnded();
            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(90));
            TopicVerifier.Verification v = TopicVerifier.verify(kafka.bootstrapServers(), TOPIC,
                    result.acceptedIds(), Duration.ofSeconds(60));
            FaultReport.record(new FaultReport.Row("5 Kafka stalled, client never reads", result.sent(),
                    result.accepted(), result.failed(), v.lost(), v.duplicates(), result.worstFaultLatencyMs(),
                    String.format("raw pusher wrote %.1f MB (%d Submits) then stalled=%s; server heap after GC %d MB"
                                    + " (baseline %d MB, ceiling %d MB, %s); off-heap (NMT Other) %d MB (ceiling %d"
                                    + " MB); Pong %d ms; SDK failures %s",
                            push.bytes / 1048576.0, push.frames, push.stalled, stalledMb, baselineMb,
                            HEAP_CEILING_MB, SERVER_XMX, directMb, DIRECT_CEILING_MB, pongMs,
                            result.failuresByType())));

            assertThat(push.stalled).as("client writes stall (server stopped reading) after %d bytes", push.bytes)
                    .isTrue();
            assertThat(stalledMb).as("server heap after GC while stalled, MB").isLessThan(HEAP_CEILING_MB);
            assertThat(directMb).as("server off-heap (direct buffers) while stalled, MB").isLessThan(DIRECT_CEILING_MB);
            assertThat(server.isAlive()).as("server process alive").isTrue();
            assertThat(pong).as("Pong while stalled").isNotNull();
            assertThat(pong.getPong().getNonce()).isEqualTo(42);
            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("SDK failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
        } finally {
            if (brokerDown) {
                kafka.startAllBrokers(); // leave the shared cluster usable for the next class
            }
        }
    }

    /** What one never-reading client managed to write. */
    private record Push(SocketChannel channel, long bytes, long frames, boolean stalled) {
    }

    /**
     * Says Hello, then writes Submits on a non-blocking socket without ever reading, until no byte has been
     * accepted for {@code stallFor} (the server stopped reading and both socket buffers are full), or the
     * runaway limit or {@code bound} is reached.
     */
    private static Push pushUntilWritesStall(Duration stallFor, Duration bound) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.write(ByteBuffer.wrap(RawFrameClient.framed(RawFrameClient.helloFrame("never-reads"))));
        channel.configureBlocking(false);
        List<MutationEvent> events = TestEvents.transfers("stall-push", EVENTS_PER_SUBMIT);
        long deadline = System.nanoTime() + bound.toNanos();
        long bytes = 0;
        long frames = 0;
        long lastProgress = System.nanoTime();
        ByteBuffer pending = ByteBuffer.allocate(0);
        while (System.nanoTime() < deadline && bytes < RUNAWAY_BYTES) {
            if (!pending.hasRemaining()) {
                pending = ByteBuffer.wrap(RawFrameClient.framed(RawFrameClient.submitFrame(++frames, events)));
            }
            int written = channel.write(pending);
            if (written > 0) {
                bytes += written;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > stallFor.toNanos()) {
                return new Push(channel, bytes, frames, true);
            } else {
                sleepMillis(5);
            }
        }
        return new Push(channel, bytes, frames, false);
    }

    /** Runs a full GC in the child and returns its used heap in MB, via {@code jcmd} (no JMX needed). */
    private static long heapUsedAfterGcMb(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("unexpected GC.heap_info output:\n" + info);
        }
        return Long.parseLong(m.group(1)) / 1024;
    }

    /** Committed native memory of NMT's "Other" category, where NIO direct buffers (Netty's) are counted. */
    private static long offHeapOtherMb(long pid) throws IOException, InterruptedException {
        String summary = jcmd(pid, "VM.native_memory summary");
        Matcher m = Pattern.compile("Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)").matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("unexpected VM.native_memory output:\n" + summary);
        }
        return Long.parseLong(m.group(1)) / 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(jcmd, String.valueOf(pid)));
        cmd.addAll(List.of(command.split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed:\n" + out);
        }
        return out;
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
