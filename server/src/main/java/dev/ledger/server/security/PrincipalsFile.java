package dev.ledger.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import javax.security.auth.x500.X500Principal;

/**
 * Reads a principals file (docs/SECURITY.md has the format): one {@code [name]} section per principal, then
 * {@code key = value} lines. {@code #} starts a comment line.
 *
 * <pre>
 * [payments-api]
 * token-sha256   = 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
 * cert-subject   = CN=payments-api,O=Example
 * cert-san       = DNS:payments-api.internal
 * events         = transfer, top_up
 * debit-accounts = cust-*, settlement-eu
 * rate           = 5000
 * </pre>
 *
 * <p>Every principal needs at least one credential ({@code token-sha256}, {@code cert-subject}, {@code cert-san};
 * each repeatable), {@code events} (types from {@link Principal#EVENT_TYPES}, or {@code *}) and {@code
 * debit-accounts} (glob patterns, {@code *} for any; may be empty when it sends neither transfers nor top-ups).
 * {@code rate} (events per second) is optional. Any mistake fails the whole file with the line number. A file
 * that every user may read is refused: token hashes are not secrets that can be posted, but who may do what is.
 *
 * <p>Stateless; thread-safe.
 */
final class PrincipalsFile {

    private static final String FLAG = "--principals-file";

    private PrincipalsFile() {
    }

    /**
     * Parses the file.
     *
     * @param limiters the rate limiter for a principal name and rate: kept across reloads
     * @throws IllegalStateException naming the file, the line and the problem
     */
    static List<Principal> read(Path file, RateLimiters limiters) {
        checkNotWorldReadable(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(FLAG + " " + file + " cannot be read: " + e, e);
        }
        return parse(file.toString(), lines, limiters);
    }

    static List<Principal> parse(String source, List<String> lines, RateLimiters limiters) {
        Map<String, Section> sections = new LinkedHashMap<>();
        Section current = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw error(source, lineNo, "a section header must be [name]: " + line);
                }
                String name = line.substring(1, line.length() - 1).strip();
                if (!name.matches("[A-Za-z0-9._@:-]{1,128}")) {
                    throw error(source, lineNo, "principal name must be 1..128 of A-Z a-z 0-9 . _ @ : -: " + name);
                }
                if (sections.containsKey(name)) {
                    throw error(source, lineNo, "principal " + name + " is listed twice");
                }
                current = new Section(name, lineNo);
                sections.put(name, current);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw error(source, lineNo, "expected key = value: " + line);
            }
            if (current == null) {
                throw error(source, lineNo, "key before the first [principal] section");
            }
            current.add(source, lineNo, line.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                    line.substring(eq + 1).strip());
        }
        List<Principal> principals = new ArrayList<>();
        Map<String, String> credentialOwners = new LinkedHashMap<>();
        for (Section s : sections.values()) {
            Principal p = s.toPrincipal(source, limiters);
            for (byte[] h : p.tokenHashes()) {
                claim(source, s, credentialOwners, "token-sha256 " + HexFormat.of().formatHex(h), p.name());
            }
            for (String id : p.certIds()) {
                claim(source, s, credentialOwners, id, p.name());
            }
            principals.add(p);
        }
        return principals;
    }

    private static void claim(String source, Section s, Map<String, String> owners, String credential, String name) {
        String before = owners.putIfAbsent(credential, name);
        if (before != null) {
            throw error(source, s.line, "principals " + before + " and " + name + " share the credential " + credential);
        }
    }

    private static void checkNotWorldReadable(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalStateException(FLAG + " " + file + " is readable by every user ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                        + "); restrict it, e.g. chmod 600 " + file);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new IllegalStateException(FLAG + " " + file + " cannot be read: " + e, e);
        }
    }

    private static IllegalStateException error(String source, int line, String message) {
        return new IllegalStateException(FLAG + " " + source + " line " + line + ": " + message);
    }

    /** Limiters by principal name, kept across reloads while the rate stays the same. */
    interface RateLimiters {
        RateLimiter forPrincipal(String name, long ratePerSecond);
    }

    private static final class Section {
        final String name;
        final int line;
        final List<byte[]> tokenHashes = new ArrayList<>();
        final Set<String> certIds = new LinkedHashSet<>();
        Set<String> events;
        List<String> debitPatterns;
        long rate;

        Section(String name, int line) {
            this.name = name;
            this.line = line;
        }

        void add(String source, int lineNo, String key, String value) {
            switch (key) {
                case "token-sha256" -> {
                    if (!value.matches("[0-9a-fA-F]{64}")) {
                        throw error(source, lineNo, "token-sha256 must be 64 hex digits (sha256sum of the token), "
                                + "got " + value.length() + " characters");
                    }
                    tokenHashes.add(HexFormat.of().parseHex(value.toLowerCase(Locale.ROOT)));
                }
                case "cert-subject" -> {
                    try {
                        certIds.add(PeerIdentity.subjectId(new X500Principal(value)));
                    } catch (IllegalArgumentException e) {
                        throw error(source, lineNo, "cert-subject is not a distinguished name: " + value);
                    }
                }
                case "cert-san" -> certIds.add(PeerIdentity.sanId(source, lineNo, value));
                case "events" -> events = parseEvents(source, lineNo, value);
                case "debit-accounts" -> debitPatterns = list(value);
                case "rate" -> {
                    try {
                        rate = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        rate = -1;
                    }
                    if (rate < 1) {
                        throw error(source, lineNo, "rate must be a whole number of events per second >= 1: " + value);
                    }
                }
                default -> throw error(source, lineNo, "unknown key " + key + " (known: token-sha256, cert-subject, "
                        + "cert-san, events, debit-accounts, rate)");
            }
        }

        Principal toPrincipal(String source, RateLimiters limiters) {
            if (tokenHashes.isEmpty() && certIds.isEmpty()) {
                throw error(source, line, "principal " + name + " has no credential (token-sha256, cert-subject or cert-san)");
            }
            if (events == null) {
                throw error(source, line, "principal " + name + " has no events rule (list types or *)");
            }
            if (debitPatterns == null) {
                throw error(source, line, "principal " + name + " has no debit-accounts rule (patterns, * for any, "
                        + "or empty for none)");
            }
            RateLimiter limiter = rate > 0 ? limiters.forPrincipal(name, rate) : null;
            return new Principal(name, tokenHashes, certIds, events, debitPatterns, rate, limiter);
        }
    }

    private static Set<String> parseEvents(String source, int lineNo, String value) {
        List<String> listed = list(value);
        if (listed.equals(List.of("*"))) {
            return Set.copyOf(Principal.EVENT_TYPES);
        }
        for (String type : listed) {
            if (!Principal.EVENT_TYPES.contains(type)) {
                throw error(source, lineNo, "unknown event type " + type + " (known: "
                        + String.join(", ", Principal.EVENT_TYPES) + ", or *)");
            }
        }
        return Set.copyOf(listed);
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }
}
