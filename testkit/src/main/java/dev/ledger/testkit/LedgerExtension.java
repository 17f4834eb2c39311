package dev.ledger.testkit;

import dev.ledger.client.LedgerClient;
import dev.ledger.client.LedgerClientBuilder;
import java.util.Objects;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension that gives tests a real ledger: Kafka (embedded, or Testcontainers), the ingest server on
 * a free loopback port, and the core. Two ways in:
 *
 * <pre>{@code
 * @LedgerTest                                    // defaults, or @LedgerTest(core = false, ...)
 * class MyTest { @Test void t(LedgerClient client, LedgerRecords records) { ... } }
 *
 * class MyTest {
 *     @RegisterExtension
 *     static LedgerExtension ledger = LedgerExtension.builder().server(ServerMode.CHILD_JVM).build();
 *     @Test void survivesACrash() { ledger.killServer(); ... ledger.startServer(); }
 * }
 * }</pre>
 *
 * <p>The ledger starts before the first test of the class and is stopped after the last (or, with
 * {@link LedgerScope#RUN}, when the run ends, shared by every class with the same settings). Before each test the
 * extension heals what an earlier test broke (Kafka stopped, server down) and, if asked, resets to fresh topics.
 * Parameters it injects: {@link Ledger}, {@link LedgerClient}, {@link LedgerRecords}, and {@code String}s marked
 * {@link LedgerEndpoint} or {@link BootstrapServers}. Needs JUnit 5.13 or newer (it relies on the store closing
 * {@link AutoCloseable} values).
 *
 * <p>As a {@link Ledger}, this object delegates to the ledger of the class being run; calling it outside a test
 * (before {@code beforeAll}) throws {@link IllegalStateException}. Thread-safe.
 */
public final class LedgerExtension implements Ledger, BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LedgerExtension.class);

    /** Null for an instance made by JUnit from {@link LedgerTest}: its settings come from the annotation. */
    private final LedgerSettings fixedSettings;
    private volatile RunningLedger current;

    /** Used by JUnit for {@link LedgerTest}; in code, use {@link #builder()}. */
    public LedgerExtension() {
        this(null);
    }

    private LedgerExtension(LedgerSettings settings) {
        this.fixedSettings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        current = ledgerFor(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        RunningLedger ledger = ledgerFor(context);
        current = ledger;
        ledger.beforeTest();
    }

    private RunningLedger ledgerFor(ExtensionContext context) {
        LedgerSettings settings = settingsFor(context);
        ExtensionContext owner = settings.scope() == LedgerScope.RUN ? context.getRoot() : classContext(context);
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(settings, s -> RunningLedger.start(settings),
                RunningLedger.class);
    }

    private LedgerSettings settingsFor(ExtensionContext context) {
        if (fixedSettings != null) {
            return fixedSettings;
        }
        return context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, LedgerTest.class))
                .map(LedgerSettings::of)
                .orElseGet(LedgerSettings::defaults);
    }

    /** The context of the outermost test class, so nested classes share their enclosing class's ledger. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getParent().isPresent() && c.getParent().get().getTestClass().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == String.class) {
            return parameter.isAnnotated(LedgerEndpoint.class) || parameter.isAnnotated(BootstrapServers.class);
        }
        return type == Ledger.class || type == LedgerClient.class || type == LedgerRecords.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RunningLedger ledger = ledgerFor(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == Ledger.class) {
            return ledger;
        } else if (type == LedgerClient.class) {
            return ledger.client();
        } else if (type == LedgerRecords.class) {
            return ledger.records();
        } else if (parameter.isAnnotated(LedgerEndpoint.class)) {
            return ledger.endpoint();
        } else if (parameter.isAnnotated(BootstrapServers.class)) {
            return ledger.bootstrapServers();
        }
        throw new ParameterResolutionException("ledger-testkit cannot inject " + parameter.getParameter());
    }

    private RunningLedger ledger() {
        RunningLedger ledger = current;
        if (ledger == null) {
            throw new IllegalStateException("no ledger yet: the extension starts it before the first test of the "
                    + "class (register it with @RegisterExtension on a static field)");
        }
        return ledger;
    }

    @Override
    public LedgerClient client() {
        return ledger().client();
    }

    @Override
    public LedgerClientBuilder clientBuilder() {
        return ledger().clientBuilder();
    }

    @Override
    public String endpoint() {
        return ledger().endpoint();
    }

    @Override
    public String bootstrapServers() {
        return ledger().bootstrapServers();
    }

    @Override
    public String mutationsTopic() {
        return ledger().mutationsTopic();
    }

    @Override
    public String decisionsTopic() {
        return ledger().decisionsTopic();
    }

    @Override
    public LedgerRecords records() {
        return ledger().records();
    }

    @Override
    public KafkaMode kafkaMode() {
        return ledger().kafkaMode();
    }

    @Override
    public void reset() {
        ledger().reset();
    }

    @Override
    public void stopKafka() {
        ledger().stopKafka();
    }

    @Override
    public void startKafka() {
        ledger().startKafka();
    }

    @Override
    public void restartServer() {
        ledger().restartServer();
    }

    @Override
    public void killServer() {
        ledger().killServer();
    }

    @Override
    public void startServer() {
        ledger().startServer();
    }

    /**
     * Settings of a {@link LedgerExtension}. Defaults: Kafka from {@value KafkaMode#PROPERTY} else embedded,
     * core on, server in this JVM, one ledger per class, no reset between tests. Not thread-safe.
     */
    public static final class Builder {

        private KafkaMode kafka;
        private String kafkaImage = LedgerSettings.DEFAULT_KAFKA_IMAGE;
        private boolean core = true;
        private ServerMode server = ServerMode.IN_PROCESS;
        private LedgerScope scope = LedgerScope.CLASS;
        private boolean resetEachTest;

        private Builder() {
        }

        /** The Kafka back-end; beats the system property {@value KafkaMode#PROPERTY}. */
        public Builder kafka(KafkaMode mode) {
            this.kafka = Objects.requireNonNull(mode, "kafka mode");
            return this;
        }

        /** The image of the Testcontainers back-end, default {@code apache/kafka:4.1.1}. */
        public Builder kafkaImage(String image) {
            if (image == null || image.isBlank()) {
                throw new IllegalArgumentException("kafkaImage must not be blank: " + image);
            }
            this.kafkaImage = image;
            return this;
        }

        /** Whether the ledger core runs; without it nothing is decided and the journal stays empty. */
        public Builder core(boolean on) {
            this.core = on;
            return this;
        }

        /** Where the server runs; {@link ServerMode#CHILD_JVM} makes {@code killServer()} possible. */
        public Builder server(ServerMode mode) {
            this.server = Objects.requireNonNull(mode, "server mode");
            return this;
        }

        /** One ledger per class (default), or one shared by the run. */
        public Builder scope(LedgerScope scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /** Fresh topics before every test but the first (about a second each). */
        public Builder resetEachTest(boolean on) {
            this.resetEachTest = on;
            return this;
        }

        /**
         * Builds the extension; reads {@value KafkaMode#PROPERTY} now when no back-end was chosen.
         *
         * @throws IllegalArgumentException when the property names no back-end
         */
        public LedgerExtension build() {
            KafkaMode mode = kafka != null ? kafka : KafkaMode.fromProperty(KafkaMode.EMBEDDED);
            return new LedgerExtension(new LedgerSettings(mode, kafkaImage, core, server, scope, resetEachTest));
        }
    }
}
