package dev.ledger.testkit.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A distribution archive ({@code <artifactId>-<version>.tar.gz}, built by {@code dist/assembly.xml} in package)
 * unpacked into a directory, so a test can check what an operator gets and run its start script.
 *
 * <p>Unpacks with the system's {@code tar}, as an operator would, so file modes are those the archive carries.
 * Failsafe names the archive in the system property {@code dist.archive}. Immutable; not meant to be shared across
 * tests that change the unpacked files.
 */
public final class DistArchive {

    private final Path home;

    private DistArchive(Path home) {
        this.home = home;
    }

    /** The archive this module's package phase built, as named by failsafe's system property {@code dist.archive}. */
    public static Path built() {
        String name = System.getProperty("dist.archive");
        if (name == null || !Files.isRegularFile(Path.of(name))) {
            throw new IllegalStateException("no distribution archive at system property dist.archive=" + name
                    + "; run the test through failsafe (mvn verify), after package");
        }
        return Path.of(name);
    }

    /** Unpacks {@code archive} into {@code directory} (bounded: 60 s); the archive must hold one top directory. */
    public static DistArchive unpack(Path archive, Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", directory.toString())
                .redirectErrorStream(true).start();
        if (!tar.waitFor(60, TimeUnit.SECONDS)) {
            tar.destroyForcibly();
            throw new IllegalStateException("tar did not unpack " + archive + " within 60 s");
        }
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tar.exitValue() != 0) {
            throw new IllegalStateException("tar failed on " + archive + ": " + output);
        }
        try (Stream<Path> top = Files.list(directory)) {
            List<Path> dirs = top.toList();
            if (dirs.size() != 1 || !Files.isDirectory(dirs.get(0))) {
                throw new IllegalStateException("expected one top directory in " + archive + ", found " + dirs);
            }
            return new DistArchive(dirs.get(0));
        }
    }

    /** The install directory: the archive's top directory, {@code <artifactId>-<version>}. */
    public Path home() {
        return home;
    }

    /** The file names in {@code lib/}. */
    public List<String> libJars() throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            return jars.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The command that runs {@code script} (e.g. {@code bin/ledger-server}) with {@code args}: the environment is
     * this JVM's without any {@code LEDGER_*} variable and without {@code JAVA_OPTS}, then {@code environment}, so
     * a developer's shell cannot change what the test sees.
     */
    public ProcessBuilder command(Path script, List<String> args, Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("LEDGER_") || name.equals("JAVA_OPTS"));
        env.putAll(environment);
        return builder;
    }
}
