package dev.ledger.stress.bench;

import dev.ledger.core.journal.MutationHeaders;
import dev.ledger.proto.MutationEvent;
import dev.ledger.stress.load.Mix;
import dev.ledger.stress.load.NanoClock;
import dev.ledger.stress.load.OpenLoopLimiter;
import dev.ledger.stress.load.Outcomes;
import dev.ledger.stress.load.Workload;
import dev.ledger.stress.report.LatencyRecorder;
import dev.ledger.stress.report.LatencySummary;
import dev.ledger.stress.report.ProgressTicker;
import dev.ledger.stress.report.RunReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The benchmark's ceiling: a plain KafkaProducer with the server's default producer settings (acks=all,
 * idempotence, linger 1 ms, batch 128 KiB, lz4) sending the driver's own transfer events as the server would write
 * them (keyed by payer, with the server's four headers, in its order and
 * with sizes like its own), as fast as it can. Latency is from
 * {@code send()} to the acknowledgement callback. Not thread-safe; one run per instance.
 */
public final class RawProducerBench {

    private static final int POOL = 4096;

    private final String bootstrapServers;
    private final String topic;
    private final int accounts;

    private Runnable onMeasuredStart = () -> { };

    public RawProducerBench(String bootstrapServers, String topic, int accounts) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.accounts = accounts;
    }

    /** Runs {@code hook} on the sending thread right before the measured part starts (after the warm-up). */
    public RawProducerBench onMeasuredStart(Runnable hook) {
        this.onMeasuredStart = hook;
        return this;
    }

    /** The same event shapes the driver sends, pre-built so generation cost stays out of the ceiling. */
    private List<ProducerRecord<byte[], byte[]>> pool() {
        Workload w = new Workload(() -> UUID.randomUUID().toString(), new Mix(0, 0, 1, 0), accounts, 42);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            MutationEvent e = w.next();
            records.add(new ProducerRecord<>(topic, null, Workload.keyOf(e).getBytes(StandardCharsets.UTF_8),
                    e.toByteArray(), serverHeaders()));
        }
        return records;
    }

    /** Headers of the same names and sizes as the server's: ingest-ts, client-name, server-id. */
    private static RecordHeaders serverHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MutationHeaders.INGEST_TS, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII));
        headers.add(MutationHeaders.CLIENT_NAME, "ledger-stress".getBytes(StandardCharsets.UTF_8));
        headers.add(MutationHeaders.PRINCIPAL, "anonymous".getBytes(StandardCharsets.UTF_8));
        headers.add(MutationHeaders.SERVER_ID, "bench-raw-producer".getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static void warmUp(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records,
            Duration warmup) {
        long stopAt = System.nanoTime() + warmup.toNanos();
        for (long i = 0; System.nanoTime() < stopAt; i++) {
            producer.send(records.get((int) (i % POOL)));
        }
        producer.flush();
    }

    /**
     * Sends until {@code maxEvents} were sent or {@code duration} passed, whichever first, then waits for
     * every acknowledgement. A warm-up of unmeasured sends comes first.
     *
     * @param ratePerSecond open loop at this rate, latency from each record's intended send time; 0 = as fast as
     *     {@code send()} allows, latency from the actual send
     */
    public RunReport run(long maxEvents, Duration duration, Duration warmup, double ratePerSecond,
            boolean progress) {
        List<ProducerRecord<byte[], byte[]>> records = pool();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-stress-raw");
        LatencyRecorder latency = new LatencyRecorder();
        Outcomes outcomes = new Outcomes();
        LongAdder done = new LongAdder();
        long sent = 0;
        long start;
        long end;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic);
            warmUp(producer, records, warmup);
            java.util.concurrent.atomic.AtomicLong sentRef = new java.util.concurrent.atomic.AtomicLong();
            ProgressTicker ticker = new ProgressTicker("raw", latency, progress ? System.out : null,
                    () -> sentRef.get() - done.sum());
            try {
                onMeasuredStart.run();
                start = System.nanoTime();
                long stopAt = start + duration.toNanos();
                OpenLoopLimiter limiter =
                        ratePerSecond > 0 ? new OpenLoopLimiter(ratePerSecond, NanoClock.SYSTEM) : null;
                while (sent < maxEvents && ((sent & 1023) != 0 || System.nanoTime() < stopAt)) {
                    long t0 = limiter != null ? limiter.acquire() : System.nanoTime();
                    producer.send(records.get((int) (sent % POOL)), (md, ex) -> {
                        if (ex == null) {
                            latency.recordNanos(System.nanoTime() - t0);
                            outcomes.accepted();
                        } else {
                            latency.recordError();
                            outcomes.add(ex.getClass().getSimpleName());
                        }
                        done.increment();
                    });
                    sent++;
                    sentRef.lazySet(sent);
                }
                producer.flush();
                end = System.nanoTime();
            } finally {
                ticker.close();
            }
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("recordBytes", records.get(0).value().length);
        String mode = (ratePerSecond > 0 ? String.format("open-loop %.0f/s", ratePerSecond) : "max rate")
                + ", acks=all idempotent linger=1ms batch=128KiB lz4, server-shaped records";
        return new RunReport("raw-producer", mode, end - start, sent,
                outcomes.get(Outcomes.ACCEPTED), outcomes.snapshot(), LatencySummary.of(latency.total()),
                latency.intervals(), latency.total(), extra);
    }
}
