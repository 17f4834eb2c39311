package dev.ledger.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JsonLineEncoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Every line of {@code text} parsed on its own: a line that is not one whole JSON object fails. */
    static List<JsonNode> parseLines(String text) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                JsonNode node = JSON.readTree(line);
                assertThat(node.isObject()).as("line %s", line).isTrue();
                nodes.add(node);
            }
        }
        return nodes;
    }

    private OutputStreamAppender<ILoggingEvent> appender(LoggerContext context,
            ch.qos.logback.core.encoder.Encoder<ILoggingEvent> encoder) {
        OutputStreamAppender<ILoggingEvent> a = new OutputStreamAppender<>();
        a.setContext(context);
        encoder.setContext(context);
        encoder.start();
        a.setEncoder(encoder);
        a.setOutputStream(out);
        a.start();
        return a;
    }

    @Test
    void multiLineMessagesStackTracesAndControlCharactersStayOneParsableLineEach() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        Logger logger = context.getLogger("probe");
        logger.addAppender(appender(context, new JsonLineEncoder()));
        logger.info("first line\nsecond \"quoted\" line\ttab \u0001 back\\slash \u2028");
        logger.atWarn().setMessage("with fields").addKeyValue("events", 42L).addKeyValue("ok", true)
                .addKeyValue("peer", "127.0.0.1:1").log();
        logger.error("failed", new IllegalStateException("outer\nmessage", new RuntimeException("inner")));

        List<JsonNode> lines = parseLines(out.toString(StandardCharsets.UTF_8));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("message").asText())
                .isEqualTo("first line\nsecond \"quoted\" line\ttab \u0001 back\\slash \u2028");
        assertThat(lines.get(0).get("level").asText()).isEqualTo("INFO");
        assertThat(lines.get(0).get("logger").asText()).isEqualTo("probe");
        assertThat(lines.get(0).get("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(lines.get(1).get("events").isNumber()).isTrue();
        assertThat(lines.get(1).get("events").asLong()).isEqualTo(42);
        assertThat(lines.get(1).get("ok").asBoolean()).isTrue();
        assertThat(lines.get(1).get("peer").asText()).isEqualTo("127.0.0.1:1");
        assertThat(lines.get(2).get("exception").asText()).contains("IllegalStateException: outer\nmessage",
                "Caused by: java.lang.RuntimeException: inner", "\tat ");
    }

    @AfterEach
    void restoreTestLogging() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void jsonFormatSwitchesTheAppendersOfTheLoadedConfig() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger probe = context.getLogger("probe.switch");
        probe.setAdditive(false);
        probe.setLevel(ch.qos.logback.classic.Level.INFO);
        probe.addAppender(appender(context, new ch.qos.logback.classic.encoder.PatternLayoutEncoder() {
            {
                setPattern("%msg%n");
            }
        }));
        probe.info("as text");
        LogSetup.configure(LogFormat.JSON, "dev/ledger/core/logback.xml");
        probe.info("as json\nacross lines");

        String[] written = out.toString(StandardCharsets.UTF_8).split("\n", 2);
        assertThat(written[0]).isEqualTo("as text");
        assertThat(parseLines(written[1])).singleElement()
                .satisfies(n -> assertThat(n.get("message").asText()).isEqualTo("as json\nacross lines"));
    }

    @Test
    void logFormatFlagAcceptsTextAndJsonOnly() {
        LogFormat.Converter c = new LogFormat.Converter();
        assertThat(c.convert("json")).isEqualTo(LogFormat.JSON);
        assertThat(c.convert("TEXT")).isEqualTo(LogFormat.TEXT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.convert("xml"))
                .hasMessageContaining("expected text or json");
    }
}
