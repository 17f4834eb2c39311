package dev.ledger.server;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Development mode only: starts {@code dev.ledger.devkafka.EmbeddedKafka}, the one place that touches it.
 *
 * <p>The broker is not on the production class path. It is found either on the class path (tests, IDE) or in
 * the {@code lib-dev/} folder next to {@code ledger-server.jar}, loaded through its own class loader. A deployment
 * that ships without {@code lib-dev/} runs normally with {@code --bootstrap-servers} and fails with a clear message
 * without it. Not thread-safe; called once at startup.
 */
final class DevKafkaLauncher {

    private static final String EMBEDDED_KAFKA = "dev.ledger.devkafka.EmbeddedKafka";

    /** A running embedded cluster; close it to stop the broker. */
    record DevKafka(String bootstrapServers, AutoCloseable cluster) {
    }

    private DevKafkaLauncher() {
    }

    static DevKafka start(Path dataDir) {
        ClassLoader loader = devClassLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Kafka loads plugin classes through the context class loader; broker threads inherit it from here.
        thread.setContextClassLoader(loader);
        try {
            Class<?> type = Class.forName(EMBEDDED_KAFKA, true, loader);
            Object cluster = type.getMethod("start", int.class, Path.class, Map.class).invoke(null, 1, dataDir, Map.of());
            String bootstrap = (String) type.getMethod("bootstrapServers").invoke(cluster);
            return new DevKafka(bootstrap, (AutoCloseable) cluster);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot start the embedded development broker: " + cause, cause);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static ClassLoader devClassLoader() {
        ClassLoader own = DevKafkaLauncher.class.getClassLoader();
        try {
            Class.forName(EMBEDDED_KAFKA, false, own);
            return own;
        } catch (ClassNotFoundException e) {
            // not on the class path: look for lib-dev/ beside the jar
        }
        Path libDev = jarDirectory().resolve("lib-dev");
        try (Stream<Path> files = Files.list(libDev)) {
            List<Path> jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
            URL[] urls = new URL[jars.size()];
            for (int i = 0; i < urls.length; i++) {
                urls[i] = jars.get(i).toUri().toURL();
            }
            return new URLClassLoader(urls, own);
        } catch (IOException e) {
            throw new IllegalStateException("no Kafka given: pass --bootstrap-servers or set LEDGER_BOOTSTRAP_SERVERS "
                    + "(without them the server runs in development mode, whose embedded broker is neither on the "
                    + "class path nor in " + libDev + ")", e);
        }
    }

    private static Path jarDirectory() {
        try {
            return Path.of(DevKafkaLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Path.of(".");
        }
    }

}
