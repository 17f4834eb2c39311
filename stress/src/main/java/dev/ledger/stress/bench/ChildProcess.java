package dev.ledger.stress.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM child process started from this jar's classpath (the broker or the server for {@code bench}), its
 * output copied to a log file and watched for a readiness line. Every child is killed by a JVM shutdown hook
 * if still alive, so an interrupted benchmark leaves nothing running. Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ChildProcess::kill),
                "ledger-stress-child-reaper"));
    }

    private final String name;
    private final Process process;
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private ChildProcess(String name, Process process, Pattern readyLine, Path log) {
        this.name = name;
        this.process = process;
        Thread pump = new Thread(() -> pump(readyLine, log), name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts {@code java <jvmArgs> -cp <this classpath> <mainClass> <args>}.
     *
     * @param readyLine a pattern whose first group is returned by {@link #awaitReady}, e.g. {@code BOOTSTRAP=(.*)};
     *     {@code null} to not wait for a line
     * @param log file receiving the child's stdout and stderr
     */
    public static ChildProcess startJava(String name, List<String> jvmArgs, String mainClass, List<String> args,
            Pattern readyLine, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return start(name, cmd, readyLine, log);
    }

    /** Starts {@code java <jvmArgs> -jar <jar> <args>}; the jar's manifest names its class path (e.g. lib/). */
    public static ChildProcess startJar(String name, List<String> jvmArgs, Path jar, List<String> args,
            Pattern readyLine, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        return start(name, cmd, readyLine, log);
    }

    private static ChildProcess start(String name, List<String> javaArgs, Pattern readyLine, Path log)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        LIVE.add(p);
        return new ChildProcess(name, p, readyLine, log);
    }

    private void pump(Pattern readyLine, Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (readyLine != null && !ready.isDone()) {
                    Matcher m = readyLine.matcher(line);
                    if (m.find()) {
                        ready.complete(m.groupCount() > 0 ? m.group(1) : line);
                    }
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException(name + " exited before it was ready; see " + log));
    }

    /** Waits for the readiness line and returns its first group. */
    public String awaitReady(Duration timeout) throws InterruptedException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " not ready after " + timeout, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** CPU time (user + system) the process has used so far, or -1 if the OS does not say. */
    public long cpuNanos() {
        return CpuTime.ofProcess(process.toHandle());
    }

    /** Kills the child at once (SIGKILL on Linux: no shutdown hook, no goodbye to its peers) and waits for it. */
    public void killNow() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        LIVE.remove(process);
    }

    /** Asks the child to stop (SIGTERM, so its shutdown hooks run), then kills it if it lingers. */
    @Override
    public void close() {
        kill(process);
        LIVE.remove(process);
    }

    private static void kill(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
