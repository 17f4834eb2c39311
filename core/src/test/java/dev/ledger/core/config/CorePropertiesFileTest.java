package dev.ledger.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ledger.core.CoreMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The shipped config/core.properties names every flag of the core, and nothing else. */
class CorePropertiesFileTest {

    private static final Path SHIPPED = Path.of("src/main/dist/config/core.properties");

    @Test
    void shippedFileHasAKeyForEveryOption() throws IOException {
        List<String> lines = Files.readAllLines(SHIPPED);
        CommandSpec spec = new CommandLine(new CoreMain()).getCommandSpec();
        for (OptionSpec o : ConfigFile.keyed(spec)) {
            String key = ConfigFile.key(o);
            assertThat(lines).as("a line for %s", o.longestName())
                    .anyMatch(l -> l.matches("#?" + java.util.regex.Pattern.quote(key) + "[.=].*"));
        }
    }

    @Test
    void everyKeyOfTheShippedFileIsAccepted(@TempDir Path dir) throws IOException {
        Path uncommented = dir.resolve("core.properties");
        Files.write(uncommented, Files.readAllLines(SHIPPED).stream()
                .map(l -> l.matches("#[a-z][a-z0-9.-]*=.*") ? l.substring(1) : l).toList());
        CommandSpec spec = new CommandLine(new CoreMain()).getCommandSpec();
        assertThatCode(() -> ConfigFile.load(spec, new String[] {"--config", uncommented.toString()}, Map.<String, String>of()::get))
                .doesNotThrowAnyException();
    }

    @Test
    void badKeyInTheCoresFileStopsStartupWithExitCode2(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("core.properties"), "bootstrap-servers=127.0.0.1:1\nsnapshot-evry=5\n");
        StringWriter err = new StringWriter();
        int code = ConfigFile.execute(new CommandLine(new CoreMain()).setErr(new PrintWriter(err, true)),
                new String[] {"--config", f.toString()}, Map.<String, String>of()::get);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("unknown key 'snapshot-evry'", f.toString());
    }
}
