package dev.ledger.core.logging;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How log lines are written: {@code text} (the logback config's patterns) or {@code json} (one object per line). */
public enum LogFormat {
    TEXT,
    JSON;

    /** The default, as the flags spell it. */
    public static final String DEFAULT = "text";

    /** The flag's spelling: {@code text} or {@code json}. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Picocli converter for {@code --log-format}: {@code text} or {@code json}, any case. */
    public static final class Converter implements ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            for (LogFormat f : values()) {
                if (f.flagValue().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a log format; expected text or json");
        }
    }
}
