package dev.ledger.core.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Configures the process's logging once, after the flags are parsed and before the first log line.
 *
 * <p>With Logback as the SLF4J binding: when Logback found no configuration of its own ({@code
 * -Dlogback.configurationFile}, or a {@code logback.xml} / {@code logback-test.xml} on the class path), it loads
 * {@code defaultResource} from the jar (the jars carry it under their own package, so two of them on one class
 * path never give Logback two {@code logback.xml}). With {@link LogFormat#JSON}, every appender then writes
 * {@link JsonLineEncoder} lines, whichever configuration was loaded.
 *
 * <p>With another binding (the stress tool and the tests run the server with slf4j-simple), nothing changes; a
 * request for JSON is reported on stderr. Call it from the main thread only.
 */
public final class LogSetup {

    private static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

    private LogSetup() {
    }

    /**
     * @param defaultResource class-path resource of the default logback config, e.g.
     *     {@code dev/ledger/server/logback.xml}
     */
    public static void configure(LogFormat format, String defaultResource) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (LOGBACK_CONTEXT.equals(factory.getClass().getName())) {
            // Loaded only here: a class path without Logback never resolves LogbackSetup.
            LogbackSetup.configure(format, defaultResource);
        } else if (format == LogFormat.JSON) {
            System.err.println("log format json needs Logback as the SLF4J binding; this process has "
                    + factory.getClass().getName() + ", so its lines stay as that binding writes them");
        }
    }
}
