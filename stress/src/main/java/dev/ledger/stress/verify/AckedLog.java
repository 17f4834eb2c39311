package dev.ledger.stress.verify;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

/**
 * The acknowledged-events log: every ACCEPTED event with its key, partition, offset, lane and send sequence,
 * one tab-separated line each, read back by {@code verify}.
 *
 * <p>{@link #append} is called from SDK callback threads, which must never block on disk, so it only enqueues
 * (a lock-free unbounded queue); one writer thread drains the queue to the file. Thread-safe.
 */
public final class AckedLog implements AutoCloseable {

    private static final AckedEntry POISON = new AckedEntry("", "", 0, 0, 0, 0);

    private final LinkedTransferQueue<AckedEntry> queue = new LinkedTransferQueue<>();
    private final BufferedWriter out;
    private final Thread writer;
    private volatile IOException failure;

    private AckedLog(Path file) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write(AckedEntry.HEADER);
        out.newLine();
        this.writer = new Thread(this::drain, "acked-log-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Creates (or truncates) the file and starts the writer thread. */
    public static AckedLog open(Path file) throws IOException {
        return new AckedLog(file);
    }

    /** Queues one entry; never blocks. */
    public void append(AckedEntry entry) {
        queue.add(entry);
    }

    /** Reads a log written by this class. */
    public static List<AckedEntry> read(Path file) throws IOException {
        List<AckedEntry> entries = new ArrayList<>();
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> entries.add(AckedEntry.parse(l)));
        }
        return entries;
    }

    private void drain() {
        try {
            while (true) {
                AckedEntry e = queue.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) {
                    out.flush();
                    continue;
                }
                if (e == POISON) {
                    break;
                }
                out.write(e.toLine());
                out.newLine();
            }
            out.flush();
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes everything queued so far, closes the file; throws if any write failed. */
    @Override
    public void close() throws IOException {
        queue.add(POISON);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.close();
        if (failure != null) {
            throw new UncheckedIOException("writing the acked log failed", failure);
        }
    }
}
