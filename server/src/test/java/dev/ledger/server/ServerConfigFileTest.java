package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ledger.core.config.ConfigFile;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.server.config.ServerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --config FILE} for the server: the shipped file covers every flag, bad files stop startup. */
class ServerConfigFileTest {

    private static final Path SHIPPED = Path.of("src/main/dist/config/server.properties");

    @TempDir
    Path dir;

    @Test
    void shippedServerPropertiesHasAKeyForEveryOption() throws IOException {
        List<String> lines = Files.readAllLines(SHIPPED);
        CommandSpec spec = new CommandLine(new ServerMain()).getCommandSpec();
        assertThat(ConfigFile.keyed(spec)).hasSizeGreaterThan(20);
        for (OptionSpec o : ConfigFile.keyed(spec)) {
            String key = Pattern.quote(ConfigFile.key(o));
            assertThat(lines).as("a line for %s in %s", o.longestName(), SHIPPED)
                    .anyMatch(l -> l.matches("#?" + key + (o.isMultiValue() ? "\\..+=.*" : "=.*")));
        }
    }

    @Test
    void everyKeyOfTheShippedFileIsAccepted() throws IOException {
        Path uncommented = dir.resolve("server.properties");
        Files.write(uncommented, Files.readAllLines(SHIPPED).stream()
                .map(l -> l.matches("#[a-z][a-z0-9.-]*=.*") ? l.substring(1) : l).toList());
        CommandSpec spec = new CommandLine(new ServerMain()).getCommandSpec();
        assertThatCode(() -> ConfigFile.load(spec, new String[] {"--config", uncommented.toString()},
                Map.<String, String>of()::get)).doesNotThrowAnyException();
    }

    @Test
    void unknownKeyStopsTheServerWithExitCode2NamingKeyAndFile() throws IOException {
        Path f = Files.writeString(dir.resolve("server.properties"), "port=7071\nmax-conections=5\n");
        StringWriter err = new StringWriter();
        assertThat(run(err, "--config", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("invalid configuration", "unknown key 'max-conections'", f.toString());
    }

    @Test
    void badValueStopsTheServerWithExitCode2NamingKeyAndFile() throws IOException {
        Path f = Files.writeString(dir.resolve("server.properties"), "idle-timeout-ms=soon\n");
        StringWriter err = new StringWriter();
        assertThat(run(err, "--config=" + f)).isEqualTo(2);
        assertThat(err.toString()).contains("invalid configuration", "key 'idle-timeout-ms'", f.toString(), "soon");
    }

    @Test
    void tokensAreNotTakenFromTheFile() throws IOException {
        Path f = Files.writeString(dir.resolve("server.properties"), "auth-tokens=abc\n");
        StringWriter err = new StringWriter();
        assertThat(run(err, "--config", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown key 'auth-tokens'").doesNotContain("abc\n");
    }

    @Test
    void fileValuesReachTheConfigBelowFlagsWithProducerPropertiesMergedPerKey() throws IOException {
        Path f = Files.writeString(dir.resolve("server.properties"), String.join("\n", "port=7071", "topic=from-file",
                "max-connections=77", "producer-property.linger.ms=7", "producer-property.batch.size=100"));
        ServerOptions options = new ServerOptions();
        CommandLine cl = new CommandLine(options);
        String[] args = {"--config", f.toString(), "--port", "7072", "--producer-property", "batch.size=200"};
        ConfigFile file = ConfigFile.load(cl.getCommandSpec(), args, Map.<String, String>of()::get);
        cl.setDefaultValueProvider(file);
        cl.parseArgs(args);
        ServerConfig c = options.toConfig("127.0.0.1:9092", file);
        assertThat(c.port()).as("flag over file").isEqualTo(7072);
        assertThat(c.topic()).as("file over default").isEqualTo("from-file");
        assertThat(c.maxConnections()).isEqualTo(77);
        assertThat(c.producerProperties()).containsEntry("linger.ms", "7").containsEntry("batch.size", "200");
        assertThat(file.describe(cl.getParseResult())).contains("port=7072 (flag)", "topic=from-file (file)",
                "producer-property.batch.size=200 (flag)", "producer-property.linger.ms=7 (file)");
    }

    @Test
    void booleanFlagOnTheCommandLineIsTrueWhenTheFileOrEnvironmentAlsoSaysTrue() throws IOException {
        Path f = Files.writeString(dir.resolve("server.properties"), "no-core=true\n");
        assertThat(parse(Map.of(), "--config", f.toString(), "--no-core").devCore()).as("file true, flag given")
                .isFalse();
        assertThat(parse(Map.of("LEDGER_NO_CORE", "true"), "--no-core").devCore()).as("env true, flag given")
                .isFalse();
        assertThat(parse(Map.of(), "--config", f.toString()).devCore()).as("file true, no flag").isFalse();
        assertThat(parse(Map.of()).devCore()).as("default").isTrue();
    }

    private static ServerOptions parse(Map<String, String> env, String... args) {
        ServerOptions options = new ServerOptions();
        CommandLine cl = new CommandLine(options);
        cl.setDefaultValueProvider(ConfigFile.load(cl.getCommandSpec(), args, env::get));
        cl.parseArgs(args);
        return options;
    }

    private static int run(StringWriter err, String... args) {
        return ConfigFile.execute(new CommandLine(new ServerMain()).setErr(new PrintWriter(err, true)), args,
                Map.<String, String>of()::get);
    }
}
