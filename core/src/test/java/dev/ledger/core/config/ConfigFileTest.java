package dev.ledger.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

class ConfigFileTest {

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private final StringWriter err = new StringWriter();

    /** A command shaped like ServerOptions: env-twinned defaults, a map flag, --config. */
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "${env:PROBE_CONFIG}")
        Path config;
        @Option(names = "--port", defaultValue = "${env:PROBE_PORT:-7}")
        int port;
        @Option(names = "--name", defaultValue = "${env:PROBE_NAME}")
        String name;
        @Option(names = "--verbose", defaultValue = "${env:PROBE_VERBOSE:-false}", fallbackValue = "true")
        boolean verbose;
        @Option(names = "--prop")
        Map<String, String> props = new LinkedHashMap<>();
        @Spec
        CommandLine.Model.CommandSpec spec;
        String described;

        @Override
        public Integer call() {
            described = ConfigFile.of(spec).describe(spec.commandLine().getParseResult());
            return 0;
        }
    }

    private Probe run(String... args) {
        Probe p = new Probe();
        int code = ConfigFile.execute(new CommandLine(p).setErr(new PrintWriter(err, true)), args, env::get);
        assertThat(code).as("exit code, stderr: %s", err).isZero();
        return p;
    }

    private int runFailing(String... args) {
        return ConfigFile.execute(new CommandLine(new Probe()).setErr(new PrintWriter(err, true)), args, env::get);
    }

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("probe.properties"), String.join("\n", lines).getBytes());
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path f = file("port=1", "name=from-file", "verbose=true");
        assertThat(run().port).as("default").isEqualTo(7);
        assertThat(run("--config", f.toString()).port).as("file").isEqualTo(1);
        env.put("PROBE_PORT", "2");
        Probe p = run("--config=" + f, "--name", "from-flag");
        assertThat(p.port).as("environment over file").isEqualTo(2);
        assertThat(p.name).as("flag over file").isEqualTo("from-flag");
        assertThat(p.verbose).as("file over default").isTrue();
        assertThat(run("--config", f.toString(), "--port", "3").port).as("flag over environment").isEqualTo(3);
    }

    @Test
    void booleanFlagIsTrueEvenWhenTheFileOrEnvironmentSaysTrue() throws IOException {
        Path f = file("verbose=true");
        assertThat(run("--config", f.toString(), "--verbose").verbose).as("file true, flag given").isTrue();
        env.put("PROBE_VERBOSE", "true");
        assertThat(run("--verbose").verbose).as("env true, flag given").isTrue();
    }

    /** Picocli sets an arity-0 boolean flag to the opposite of its default unless it has a fallback value. */
    @Command(name = "flip")
    static final class FlagWithoutFallback implements Callable<Integer> {
        @Option(names = "--quiet", defaultValue = "${env:FLIP_QUIET:-false}")
        boolean quiet;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Test
    void booleanFlagWithoutFallbackValueIsRefusedAsAProgrammingError() {
        CommandLine cl = new CommandLine(new FlagWithoutFallback());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigFile.load(cl.getCommandSpec(), new String[0],
                env::get)).isInstanceOf(IllegalStateException.class).hasMessageContaining("--quiet")
                .hasMessageContaining("fallbackValue");
    }

    @Test
    void theFileCanBeNamedByItsEnvironmentVariable() throws IOException {
        env.put("PROBE_CONFIG", file("name=via-env").toString());
        assertThat(run().name).isEqualTo("via-env");
    }

    @Test
    void mapFlagTakesPrefixedKeys() throws IOException {
        Path f = file("prop.linger.ms=5", "prop.acks=all");
        Probe p = run("--config", f.toString(), "--prop", "batch.size=9");
        assertThat(p.props).as("the flag's own entries stay as given").containsExactly(Map.entry("batch.size", "9"));
        assertThat(ConfigFile.of(p.spec).mapEntries("--prop")).containsOnly(Map.entry("linger.ms", "5"),
                Map.entry("acks", "all"));
    }

    @Test
    void unknownKeyStopsStartupNamingKeyAndFile() throws IOException {
        Path f = file("port=1", "prot=2");
        assertThat(runFailing("--config", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("invalid configuration", "unknown key 'prot'", f.toString());
    }

    @Test
    void valueThatDoesNotConvertStopsStartupNamingKeyAndFile() throws IOException {
        Path f = file("port=seven");
        assertThat(runFailing("--config", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("invalid configuration", "key 'port'", f.toString(), "seven");
    }

    @Test
    void secretWithoutAFlagIsRefused() throws IOException {
        Path f = file("auth-token=s3cret");
        assertThat(runFailing("--config", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown key 'auth-token'", "no flag takes a secret")
                .doesNotContain("s3cret");
    }

    @Test
    void helpAndConfigItselfHaveNoKey() throws IOException {
        assertThat(runFailing("--config", file("config=/etc/other").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown key 'config'");
    }

    @Test
    void missingFileIsAClearError() {
        assertThat(runFailing("--config", dir.resolve("nope.properties").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read config file", "nope.properties");
    }

    @Test
    void describeSaysWhereEachSettingCameFromAndMasksSecrets() throws IOException {
        env.put("PROBE_PORT", "2");
        Path f = file("name=n1", "prop.sasl.jaas.config=hidden", "prop.linger.ms=5");
        Probe p = run("--config", f.toString(), "--verbose");
        assertThat(p.described).contains("config file " + f, "port=2 (env)", "name=n1 (file)", "verbose=true (flag)",
                "prop.linger.ms=5 (file)", "prop.sasl.jaas.config=**** (file)").doesNotContain("hidden");
        assertThat(run().described).contains("config file none", "port=2 (env)");
    }
}
