package dev.ledger.stress.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time of processes, for the benchmark table. Stateless and thread-safe. */
public final class CpuTime {

    /** Linux reports utime/stime in clock ticks; 100 per second on every common configuration. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private CpuTime() {
    }

    /** CPU time (user + system) of this JVM, or -1. */
    public static long ofSelf() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return ofProcess(ProcessHandle.current());
    }

    /** CPU time (user + system) of a process, from ProcessHandle or /proc/&lt;pid&gt;/stat; -1 if unknown. */
    public static long ofProcess(ProcessHandle handle) {
        long fromProc = fromProcStat(handle.pid());
        if (fromProc >= 0) {
            return fromProc;
        }
        return handle.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static long fromProcStat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // Fields after the parenthesised command name; utime and stime are fields 14 and 15 overall.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
        } catch (Exception e) {
            return -1;
        }
    }
}
