package dev.ledger.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code --config FILE}: a Java properties file with a key for every flag of a picocli command, the long flag name
 * without its dashes ({@code port=7070}); a map flag such as {@code --producer-property KEY=VALUE} takes keys
 * {@code producer-property.KEY=VALUE}. Precedence: flag, then the flag's environment variable, then the file, then
 * the flag's default.
 *
 * <p>It is picocli's default-value provider. Picocli asks it about each flag not on the command line; it answers
 * the flag's environment variable (the one its {@code ${env:NAME...}} default names) when that is set, else the
 * file's value, else nothing, and picocli falls back to the annotation's default. It knows no flag by name, so a
 * flag added later gets its key with no change here. A key that is no flag, or a value that does not convert, stops
 * startup with a message naming the key and the file (exit code 2).
 *
 * <p>Used once at startup by {@code ServerMain} and {@code CoreMain} through {@link #execute}; not thread-safe.
 */
public final class ConfigFile implements CommandLine.IDefaultValueProvider {

    /** The flag that names the file; its own {@code ${env:...}} default names the environment variable. */
    public static final String OPTION = "--config";

    private static final Pattern ENV_DEFAULT = Pattern.compile("^\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern SECRET = Pattern.compile(
            "(?i).*(password|jaas|secret|token|credential|\\.key|keystore\\.certificate\\.chain).*");

    /** Where a setting's value came from. */
    public enum Source { FLAG, ENV, FILE, DEFAULT }

    private final Path file;
    private final Map<String, String> values;
    private final Function<String, String> env;
    private final Map<String, String> envNames = new HashMap<>();
    private final Map<String, Source> answered = new HashMap<>();

    private ConfigFile(CommandSpec spec, Path file, Map<String, String> values, Function<String, String> env) {
        this.file = file;
        this.values = values;
        this.env = env;
        for (OptionSpec o : keyed(spec)) {
            requireFallbackIfFlag(o);
            String name = envName(spec, o);
            if (name != null) {
                envNames.put(o.longestName(), name);
            }
        }
    }

    /**
     * Finds the file ({@code --config} among {@code args}, else its environment variable), reads and checks it,
     * installs it as {@code cl}'s default-value provider and runs the command.
     *
     * @return the command's exit code; 2, with a message on {@code cl}'s stderr, for a bad file or setting
     */
    public static int execute(CommandLine cl, String[] args, Function<String, String> env) {
        ConfigFile config;
        try {
            config = load(cl.getCommandSpec(), args, env);
        } catch (IllegalArgumentException e) {
            cl.getErr().println("invalid configuration: " + e.getMessage());
            cl.getErr().flush();
            return 2;
        }
        CommandLine.IParameterExceptionHandler standard = cl.getParameterExceptionHandler();
        cl.setDefaultValueProvider(config);
        cl.setParameterExceptionHandler((ex, badArgs) -> {
            String where = config.whereFrom(ex.getArgSpec());
            if (where == null) {
                return standard.handleParseException(ex, badArgs);
            }
            cl.getErr().println("invalid configuration: " + where + ": " + ex.getMessage());
            cl.getErr().flush();
            return 2;
        });
        return cl.execute(args);
    }

    /**
     * Reads the file named by {@code args} or the environment (none: an empty config) and checks its keys.
     *
     * @throws IllegalArgumentException naming the file and the bad key, or why the file cannot be read
     */
    public static ConfigFile load(CommandSpec spec, String[] args, Function<String, String> env) {
        Path path = locate(spec, args, env);
        if (path == null) {
            return new ConfigFile(spec, null, Map.of(), env);
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k).trim()));
        ConfigFile config = new ConfigFile(spec, path, values, env);
        config.checkKeys(spec);
        return config;
    }

    /** The provider installed by {@link #execute} on {@code spec}'s command, or an empty one. */
    public static ConfigFile of(CommandSpec spec) {
        CommandLine.IDefaultValueProvider p = spec.defaultValueProvider();
        return p instanceof ConfigFile c ? c : new ConfigFile(spec, null, Map.of(), System::getenv);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o) || o.isMultiValue()) {
            return null; // maps: see mapEntries
        }
        String envName = envNames.get(o.longestName());
        String fromEnv = envName == null ? null : env.apply(envName);
        if (fromEnv != null) {
            answered.put(o.longestName(), Source.ENV);
            return fromEnv;
        }
        String fromFile = values.get(key(o));
        if (fromFile != null) {
            answered.put(o.longestName(), Source.FILE);
            return fromFile;
        }
        return null;
    }

    /** The file's entries of map flag {@code option}: {@code producer-property.linger.ms=5} gives {@code linger.ms=5}. */
    public Map<String, String> mapEntries(String option) {
        String prefix = option.replaceFirst("^-+", "") + ".";
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** The file, or null when there is none. */
    public Path file() {
        return file;
    }

    /**
     * One line for the startup log: the file, then every setting not at its default with where it came from,
     * e.g. {@code port=7071 (flag)}; values of keys that may hold a secret are {@code ****}.
     */
    public String describe(ParseResult parsed) {
        List<String> set = new ArrayList<>();
        for (OptionSpec o : keyed(parsed.commandSpec())) {
            boolean flag = parsed.hasMatchedOption(o);
            if (o.isMultiValue()) {
                Map<String, String> entries = new TreeMap<>();
                mapEntries(o.longestName()).forEach((k, v) -> entries.put(k, shown(k, v) + " (file)"));
                if (flag && o.getValue() instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> entries.put(String.valueOf(k), shown(String.valueOf(k), v) + " (flag)"));
                }
                entries.forEach((k, v) -> set.add(key(o) + "." + k + "=" + v));
                continue;
            }
            Source source = flag ? Source.FLAG : answered.getOrDefault(o.longestName(), Source.DEFAULT);
            if (source != Source.DEFAULT) {
                set.add(key(o) + "=" + shown(key(o), o.getValue()) + " (" + source.name().toLowerCase(Locale.ROOT) + ")");
            }
        }
        return "config file " + (file == null ? "none" : file) + "; set: "
                + (set.isEmpty() ? "nothing, all defaults" : String.join(", ", set));
    }

    /** Whether a setting named {@code key} may hold a secret, so that logs show {@code ****} for its value. */
    public static boolean isSecret(String key) {
        return SECRET.matcher(key).matches();
    }

    private static String shown(String key, Object value) {
        if (isSecret(key)) {
            return "****";
        }
        // Enums as the flags spell them (text, not TEXT).
        return value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : String.valueOf(value);
    }

    /** The config-file key of {@code o}: its long name without the leading dashes. */
    public static String key(OptionSpec o) {
        return o.longestName().replaceFirst("^-+", "");
    }

    /** The options that have a key: all but help, version and {@code --config} itself. */
    public static List<OptionSpec> keyed(CommandSpec spec) {
        return spec.options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp() && !OPTION.equals(o.longestName()))
                .toList();
    }

    private void checkKeys(CommandSpec spec) {
        for (String k : values.keySet()) {
            boolean known = false;
            for (OptionSpec o : keyed(spec)) {
                String key = key(o);
                known |= o.isMultiValue() ? k.startsWith(key + ".") && k.length() > key.length() + 1 : k.equals(key);
            }
            if (!known) {
                throw new IllegalArgumentException("unknown key '" + k + "' in config file " + file
                        + (isSecret(k) ? " (no flag takes a secret; see the docs for where it goes)"
                                : " (keys are the flag names without the dashes; see --help)"));
            }
        }
    }

    /**
     * Picocli sets a boolean flag given without a value to the opposite of its default, and that default may come
     * from here: {@code verbose=true} in the file plus {@code --verbose} would give false. With a fallback value
     * picocli sets the fallback instead, so every boolean flag must have one ({@code fallbackValue = "true"}).
     *
     * @throws IllegalStateException naming the flag (a mistake in the command's code, not in the user's settings)
     */
    private static void requireFallbackIfFlag(OptionSpec o) {
        Class<?> type = o.type();
        if ((type == boolean.class || type == Boolean.class) && o.arity().min() == 0
                && (o.fallbackValue() == null || o.fallbackValue().isEmpty())) {
            throw new IllegalStateException("boolean flag " + o.longestName() + " needs fallbackValue = \"true\": "
                    + "without it, giving the flag sets it to the opposite of its default, which the config file "
                    + "or the environment may have made true");
        }
    }

    /** "key 'port' in config file F" or "environment variable X" when the bad value came from there. */
    private String whereFrom(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o)) {
            return null;
        }
        Source s = answered.get(o.longestName());
        if (s == Source.FILE) {
            return "key '" + key(o) + "' in config file " + file;
        }
        return s == Source.ENV ? "environment variable " + envNames.get(o.longestName()) : null;
    }

    /** The environment variable an option's default names, read with interpolation off: {@code ${env:NAME...}}. */
    private static String envName(CommandSpec spec, OptionSpec o) {
        Boolean was = spec.interpolateVariables();
        spec.interpolateVariables(false);
        try {
            String raw = o.defaultValue();
            Matcher m = raw == null ? null : ENV_DEFAULT.matcher(raw);
            return m != null && m.find() ? m.group(1) : null;
        } finally {
            spec.interpolateVariables(was);
        }
    }

    private static Path locate(CommandSpec spec, String[] args, Function<String, String> env) {
        for (int i = 0; i < args.length && !"--".equals(args[i]); i++) {
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith(OPTION + "=")) {
                return Path.of(args[i].substring(OPTION.length() + 1));
            }
        }
        OptionSpec option = spec.findOption(OPTION);
        String name = option == null ? null : envName(spec, option);
        String value = name == null ? null : env.apply(name);
        return value == null || value.isBlank() ? null : Path.of(value);
    }
}
