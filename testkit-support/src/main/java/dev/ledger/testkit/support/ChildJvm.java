package dev.ledger.testkit.support;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real child JVM, started with this test JVM's class path or by a start script, so a fault test can kill a whole
 * process with SIGKILL ({@link Process#destroyForcibly()} on Linux) or read a process's heap from outside.
 *
 * <p>Its merged stdout/stderr is copied line by line to {@code target/child-<name>.log} and kept in memory so a
 * test can wait for a line such as "listening on port". Always {@link #close()} it (try-with-resources or
 * {@code @AfterAll}); close kills the process if it is still alive, and so does a shutdown hook when this JVM
 * exits first.
 *
 * <p>Thread-safe: the output pump runs on its own daemon thread; the accessors synchronize on the line list.
 */
public final class ChildJvm implements AutoCloseable {

    /** Every child still running; a shutdown hook kills them so a dying test JVM leaves nothing behind. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "child-jvm-reaper"));
    }


    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread pump;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.pump = new Thread(this::pumpOutput, "child-" + name + "-output");
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /**
     * Starts {@code mainClass} in a new JVM with the same class path as this one.
     *
     * @param jvmArgs e.g. {@code -Xmx256m}
     */
    public static ChildJvm start(String name, List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(testClassPath());
        command.add(mainClass);
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            LIVE.add(process);
            return new ChildJvm(name, process);
        } catch (IOException e) {
            throw new IllegalStateException("could not start child JVM " + name + ": " + command, e);
        }
    }

    /**
     * Starts a prepared command whose process is, or {@code exec}s into, a JVM: e.g. a distribution's start script.
     * Its stderr is merged into its stdout.
     */
    public static ChildJvm start(String name, ProcessBuilder command) {
        try {
            Process process = command.redirectErrorStream(true).start();
            LIVE.add(process);
            return new ChildJvm(name, process);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + name + ": " + command.command(), e);
        }
    }

    /**
     * The real class path: surefire runs tests from a manifest-only booter jar and puts the actual entries in
     * {@code surefire.test.class.path}; an IDE run has them in {@code java.class.path}.
     */
    public static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the first output line matching {@code pattern} and returns its match. */
    public Matcher awaitLine(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher m = pattern.matcher(lines.get(seen));
                    if (m.find()) {
                        return m;
                    }
                }
                long leftNanos = deadline - System.nanoTime();
                if (leftNanos <= 0 || (!process.isAlive() && !pump.isAlive())) {
                    throw new IllegalStateException("child " + name + " printed no line matching " + pattern
                            + " within " + timeout + " (alive=" + process.isAlive() + "); output:\n" + tail(40));
                }
                try {
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for child " + name, e);
                }
            }
        }
    }

    /**
     * Polls {@code http://127.0.0.1:port/path} ({@link AdminHttp#get}) until it answers 200, e.g. a {@code /readyz};
     * fails at once if the process dies, and after {@code timeout} otherwise, with the process's last output lines.
     */
    public void awaitHttpOk(int port, String path, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("child " + name + " exited with " + process.exitValue() + " before "
                        + path + " on port " + port + " answered 200; output:\n" + tail(40));
            }
            last = AdminHttp.get(port, path).status();
            if (last == 200) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + path, e);
            }
        }
        throw new IllegalStateException(path + " on port " + port + " did not answer 200 within " + timeout
                + " (last status " + last + "); output of child " + name + ":\n" + tail(40));
    }

    /** The last {@code n} output lines, for failure messages. */
    public String tail(int n) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }
    }

    /** Waits up to {@code timeout} for the process to exit by itself; its exit code, or -1 if still running. */
    public int awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Sends SIGTERM (shutdown hooks run, e.g. a server drains) and waits up to {@code timeout}; sends SIGKILL if
     * the process is still alive then. Returns the exit code. What the process prints while it stops is kept.
     */
    public int stop(Duration timeout) {
        // Through the handle: Process.destroy() would also close our end of its output, losing the lines it prints
        // while it shuts down (a drain's log, say).
        process.toHandle().destroy();
        int code = awaitExit(timeout);
        if (process.isAlive()) {
            kill();
            code = process.exitValue();
        }
        LIVE.remove(process);
        return code;
    }

    /** Sends SIGKILL and waits (bounded) until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                throw new IllegalStateException("child " + name + " survived SIGKILL for 15 s");
            }
            LIVE.remove(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        LIVE.remove(process);
    }

    private void pumpOutput() {
        Path log = Path.of("target", "child-" + name + ".log");
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException ignored) {
            // the log file is a convenience; the in-memory lines still work
        }
        try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process died; the lines read so far stay available
        } finally {
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }
}
