package dev.ledger.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.client.Mutations;
import dev.ledger.client.Receipt;
import dev.ledger.proto.Status;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures what a user waits for: from the start of the test JVM (and from the extension's start) to the first
 * ACCEPTED event, with the default embedded back-end and the core on. Prints the figures and appends them to
 * {@code target/time-to-first-event.txt}; asserts only that the event was accepted (no test asserts a speed).
 *
 * <p>The JVM figure means "fresh JVM" only when this class runs alone:
 * {@code mvn -B -o surefire:test -pl testkit -Dtest=TimeToFirstEventTest} after a build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimeToFirstEventTest {

    private static final long CLASS_LOADED_NANOS = System.nanoTime();

    @RegisterExtension
    static LedgerExtension ledger = LedgerExtension.builder().kafka(KafkaMode.EMBEDDED).build();

    @Test
    void firstEventIsAccepted(LedgerClient client) throws IOException {
        Receipt r = client.submit(Mutations.snapshot("first"));
        long now = System.currentTimeMillis();
        long fromExtension = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - CLASS_LOADED_NANOS);
        long fromJvm = now - ManagementFactory.getRuntimeMXBean().getStartTime();
        long cpuMs = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime() / 1_000_000;
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        assertThat(r.status()).isEqualTo(Status.STATUS_ACCEPTED);

        String line = Instant.ofEpochMilli(now) + " first ACCEPTED event: " + fromJvm + " ms after the JVM started, "
                + fromExtension + " ms after the test class loaded (ledger start + first submit), "
                + cpuMs + " ms CPU used by this JVM so far, " + Runtime.getRuntime().availableProcessors()
                + " cores, load average " + load;
        System.out.println(line);
        Path out = Path.of("target", "time-to-first-event.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
