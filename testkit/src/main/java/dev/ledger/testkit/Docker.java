package dev.ledger.testkit;

import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine is reachable, as Testcontainers sees it. For tests that need the Testcontainers
 * back-end: {@code @EnabledIf(value = "dev.ledger.testkit.Docker#isAvailable", disabledReason = "...")}, so they
 * are skipped, with the reason in the report, where no Docker runs. Thread-safe; Testcontainers caches the answer.
 */
public final class Docker {

    private Docker() {
    }

    /** True when Testcontainers finds a working Docker engine; false (never an exception) otherwise. */
    public static boolean isAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
