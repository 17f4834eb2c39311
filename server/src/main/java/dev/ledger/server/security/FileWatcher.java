package dev.ledger.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches files for changed content and runs a reload when they change, on its own daemon thread
 * ({@code ledger-file-watch}), never on an event loop.
 *
 * <p>It polls: every {@link #POLL_INTERVAL} it hashes each watched file and compares with the last hash. Polling,
 * unlike a {@code WatchService}, also sees a file replaced through a symlink swap (how Kubernetes updates mounted
 * secrets) and never misses two writes within one timestamp tick. The files are small (PEM, principals), so a
 * hash a second costs nothing. A file that cannot be read (mid-rotation) counts as changed once it reads again.
 *
 * <p>Thread-safe; close it once.
 */
public final class FileWatcher implements AutoCloseable {

    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(FileWatcher.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ledger-file-watch");
        t.setDaemon(true);
        return t;
    });

    /**
     * Calls {@code reload} (on the watcher thread) whenever the content of any of {@code files} changes.
     *
     * @param what names the reload in log lines, e.g. {@code "TLS certificate"}
     */
    public void watch(String what, List<Path> files, Runnable reload) {
        List<byte[]> last = new ArrayList<>();
        for (Path f : files) {
            last.add(hash(f));
        }
        long periodMs = POLL_INTERVAL.toMillis();
        thread.scheduleWithFixedDelay(() -> {
            boolean changed = false;
            for (int i = 0; i < files.size(); i++) {
                byte[] now = hash(files.get(i));
                if (now != null && !Arrays.equals(now, last.get(i))) {
                    last.set(i, now);
                    changed = true;
                }
            }
            if (changed) {
                try {
                    reload.run();
                } catch (RuntimeException | Error e) {
                    log.error("reloading the {} failed: {}", what, e.toString());
                }
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private static byte[] hash(Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
