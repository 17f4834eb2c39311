package dev.ledger.testkit;

/**
 * Where the kit runs the ingest server. {@link #IN_PROCESS} (the default) starts it in the test JVM: fastest, and
 * {@code restartServer()} works. {@link #CHILD_JVM} starts {@code ServerMain} as its own process from the test's
 * class path: a second or two slower to start, and the only mode where {@code killServer()} is a real crash
 * (SIGKILL of that process).
 */
public enum ServerMode {
    IN_PROCESS,
    CHILD_JVM
}
