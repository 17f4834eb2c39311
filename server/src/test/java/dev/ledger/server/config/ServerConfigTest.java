package dev.ledger.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServerConfigTest {

    private static ServerConfig.Builder valid() {
        return ServerConfig.builder().bootstrapServers("127.0.0.1:9092");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerConfig c = valid().build();
        assertThat(c.port()).isEqualTo(7070);
        assertThat(c.topic()).isEqualTo("ledger.mutations");
        assertThat(c.maxFrameBytes()).isEqualTo(1024 * 1024);
        assertThat(c.ackTimeoutMs()).isEqualTo(5000);
        assertThat(c.circuitFailureThreshold()).isEqualTo(3);
        assertThat(c.circuitOpenMs()).isEqualTo(1000);
        assertThat(c.adminPort()).as("off when built in code").isZero();
        assertThat(c.serverId()).isNotBlank();
    }

    @Test
    void badSettingIsNamedWithItsValue() {
        assertThatThrownBy(() -> valid().maxFrameBytes(0).build()).hasMessage("maxFrameBytes must be >= 64: 0");
        assertThatThrownBy(() -> valid().port(70000).build()).hasMessageStartingWith("port");
        assertThatThrownBy(() -> valid().topic("bad topic").build()).hasMessageStartingWith("topic");
        assertThatThrownBy(() -> ServerConfig.builder().build()).hasMessageStartingWith("bootstrapServers");
        assertThatThrownBy(() -> valid().ackTimeoutMs(0).build()).hasMessageStartingWith("ackTimeoutMs");
        assertThatThrownBy(() -> valid().circuitFailureThreshold(0).build())
                .hasMessage("circuitFailureThreshold must be >= 1: 0");
        assertThatThrownBy(() -> valid().circuitOpenMs(0).build()).hasMessage("circuitOpenMs must be >= 1: 0");
        assertThatThrownBy(() -> valid().adminPort(-1).build()).hasMessageStartingWith("adminPort must be in 0..65535");
    }

    @Test
    void producerSettingsBehindTheGuaranteesCannotBeOverridden() {
        assertThatThrownBy(() -> valid().producerProperty("acks", "1").build())
                .hasMessageStartingWith("producer property acks cannot be changed").hasMessageEndingWith(": 1");
        assertThatThrownBy(() -> valid().producerProperty("enable.idempotence", "false").build())
                .hasMessageStartingWith("producer property enable.idempotence");
        assertThatThrownBy(() -> valid().producerProperty("max.block.ms", "60000").build())
                .hasMessageStartingWith("producer property max.block.ms");
        assertThat(valid().producerProperty("acks", "-1").producerProperty("linger.ms", "2").build()
                .producerProperties()).containsEntry("linger.ms", "2");
    }

    @Test
    void authTokensComeFromTheEnvironmentNeverAFlag() {
        assertThat(ServerOptions.authTokens(" x , y ,")).containsExactly("x", "y");
        assertThat(ServerOptions.authTokens(null)).isEmpty();
        assertThatThrownBy(() -> new CommandLine(new ServerOptions()).parseArgs("--auth-tokens=a,b"))
                .as("no flag takes a token itself").isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> new CommandLine(new ServerOptions()).parseArgs("--auth-tokens-file=/tmp/t"))
                .as("nor names a token file: tokens go hashed into the principals file")
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void describeNeverPrintsAuthTokens() {
        assertThat(valid().authTokens(List.of("s3cret")).build().describe()).doesNotContain("s3cret").contains("authTokens=1");
    }

    @Test
    void flagsBuildTheConfigAndRepeatProducerProperties() throws Exception {
        ServerOptions options = new ServerOptions();
        new CommandLine(options).parseArgs("--port=9000", "--topic=t1", "--producer-property=linger.ms=1",
                "--producer-property", "compression.type=none", "--idle-timeout-ms=0");
        ServerConfig c = options.toConfig("127.0.0.1:9092", "a,  b ");
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.topic()).isEqualTo("t1");
        assertThat(c.producerProperties()).containsEntry("linger.ms", "1").containsEntry("compression.type", "none");
        assertThat(c.authTokens()).containsExactlyInAnyOrder("a", "b");
        assertThat(c.idleTimeoutMs()).isZero();
    }

    @Test
    void weakDurabilityIsRefusedByDefaultAndAllowedByFlagWithAnEnvTwin() throws NoSuchFieldException {
        ServerOptions options = new ServerOptions();
        CommandLine cli = new CommandLine(options);
        cli.parseArgs();
        assertThat(options.toConfig("127.0.0.1:9092").allowWeakDurability()).isFalse();
        assertThat(ServerOptions.class.getDeclaredField("allowWeakDurability")
                .getAnnotation(picocli.CommandLine.Option.class).defaultValue())
                .startsWith("${env:LEDGER_ALLOW_WEAK_DURABILITY:-");
        ServerOptions flagged = new ServerOptions();
        new CommandLine(flagged).parseArgs("--allow-weak-durability");
        ServerConfig c = flagged.toConfig("127.0.0.1:9092");
        assertThat(c.allowWeakDurability()).isTrue();
        assertThat(c.developmentMode()).isFalse();
        assertThat(c.toBuilder().build().allowWeakDurability()).isTrue();
        assertThat(c.describe()).contains("allowWeakDurability=true");
    }

    @Test
    void tlsAndSecuritySettingsAreCheckedNamingTheSetting(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        Path key = Files.writeString(dir.resolve("k.pem"), "x");
        assertThatThrownBy(() -> valid().tls(new ServerConfig.Tls(cert, dir.resolve("missing"), null, "1.3")).build())
                .hasMessageStartingWith("tlsKeyFile must be a readable file");
        assertThatThrownBy(() -> valid().tls(new ServerConfig.Tls(cert, key, null, "1.1")).build())
                .hasMessage("tlsMinVersion must be 1.3 or 1.2: 1.1");
        ServerOptions caOnly = new ServerOptions();
        new CommandLine(caOnly).parseArgs("--tls-client-ca-file", cert.toString());
        assertThatThrownBy(() -> caOnly.toConfig("k:9092")).hasMessageStartingWith("tlsClientCaFile needs --tls-cert-file");
        ServerOptions both = new ServerOptions();
        new CommandLine(both).parseArgs("--tls-cert-file", cert.toString(), "--tls-key-file", key.toString());
        assertThat(both.toConfig("k:9092").tls()).isEqualTo(new ServerConfig.Tls(cert, key, null, "1.3"));
        assertThat(valid().producerProperty("ssl.truststore.password", "hunter2")
                .producerProperty("sasl.jaas.config", "x password=\"hunter2\";").build().describe())
                .doesNotContain("hunter2").contains("ssl.truststore.password=****");
    }
}
