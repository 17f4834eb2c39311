package dev.ledger.core.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.util.StatusPrinter2;
import java.net.URL;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** The Logback half of {@link LogSetup}; the only class that needs Logback on the class path. */
final class LogbackSetup {

    private LogbackSetup() {
    }

    static void configure(LogFormat format, String defaultResource) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        if (!configuredByLogback()) {
            loadDefault(context, defaultResource);
        }
        if (format == LogFormat.JSON) {
            Map<Appender<ILoggingEvent>, Boolean> seen = new IdentityHashMap<>();
            for (Logger logger : context.getLoggerList()) {
                toJson(context, logger, seen);
            }
        }
        new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
    }

    /** Whether Logback found a config of its own at startup: its system property or its class-path files. */
    private static boolean configuredByLogback() {
        ClassLoader loader = LogbackSetup.class.getClassLoader();
        return System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
                || loader.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                || loader.getResource(ClassicConstants.AUTOCONFIG_FILE) != null;
    }

    /** Logback fell back to its basic console setup: load the jar's config instead. */
    private static void loadDefault(LoggerContext context, String resource) {
        URL url = LogbackSetup.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("logging config " + resource + " is missing from the class path");
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(url);
        } catch (JoranException e) {
            // Recorded in the context's status list, which configure() prints.
        }
    }

    private static void toJson(LoggerContext context, AppenderAttachable<ILoggingEvent> parent,
            Map<Appender<ILoggingEvent>, Boolean> seen) {
        for (Iterator<Appender<ILoggingEvent>> it = parent.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (seen.put(appender, Boolean.TRUE) != null) {
                continue;
            }
            if (appender instanceof OutputStreamAppender<ILoggingEvent> out
                    && !(out.getEncoder() instanceof JsonLineEncoder)) {
                JsonLineEncoder encoder = new JsonLineEncoder();
                encoder.setContext(context);
                encoder.start();
                // Swapped in place: a stop and start would close, and not every appender can reopen, its stream.
                // Nothing logs yet (startup, before the first line), and a JSON line needs no header.
                out.setEncoder(encoder);
            } else if (appender instanceof AppenderAttachable<?> nested) {
                // An AsyncAppender and the like: convert what it forwards to.
                @SuppressWarnings("unchecked")
                AppenderAttachable<ILoggingEvent> attachable = (AppenderAttachable<ILoggingEvent>) nested;
                toJson(context, attachable, seen);
            }
        }
    }
}
