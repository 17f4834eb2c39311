package dev.ledger.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.rules.WireEvent;
import dev.ledger.proto.CreateAccount;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.TopUp;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link Principal#permits} reads the event type and the debited account from the event's bytes and matches the
 * debit-accounts globs on UTF-8 ({@link DebitGlob}); this holds it, for random principals and events, to the object
 * path it replaced, kept here as the reference: the type from the parsed message, the account as a String, each glob
 * compiled to a regex. Same verdict and same denial text. A seeded loop: a failure names its seed.
 */
class PrincipalPermitsPropertyTest {

    /** Characters for globs and accounts: regex metacharacters, multi-byte and supplementary ones, the wildcards. */
    private static final String[] CHARS = {"a", "b", "-", ".", "\\", "[", "]", "$", "^", "(", "|", "+", "é", "€",
        "😀", "\n", "*", "?"};

    @Test
    void permitsOnTheWireGivesTheVerdictAndTextOfTheObjectPath() {
        long seed = 7_041_906L;
        Random random = new Random(seed);
        WireEvent wire = new WireEvent();
        int allowed = 0;
        int deniedType = 0;
        int deniedDebit = 0;
        for (int round = 0; round < 3000; round++) {
            Set<String> events = new HashSet<>();
            for (String type : Principal.EVENT_TYPES) {
                if (random.nextInt(4) > 0) {
                    events.add(type);
                }
            }
            List<String> globs = new ArrayList<>();
            for (int g = random.nextInt(4); g > 0; g--) {
                globs.add(word(random, true));
            }
            Principal principal = new Principal("p", List.of(), Set.of(), events, globs, 0, null);
            for (int e = 0; e < 10; e++) {
                MutationEvent event = event(random);
                assertThat(wire.read(event.toByteArray())).isNull();
                String expected = referencePermits(principal.name(), events, globs, event);
                assertThat(principal.permits(wire)).as("seed %d, globs %s, event %s", seed, globs, event)
                        .isEqualTo(expected);
                if (expected == null) {
                    allowed++;
                } else if (expected.contains("may not send")) {
                    deniedType++;
                } else {
                    deniedDebit++;
                }
            }
        }
        assertThat(allowed).isGreaterThan(1000);
        assertThat(deniedType).isGreaterThan(1000);
        assertThat(deniedDebit).isGreaterThan(1000);
    }

    @Test
    void aGlobMatchesCharactersNotBytes() {
        byte[] account = "x€y😀".getBytes(StandardCharsets.UTF_8);
        assertThat(new DebitGlob("x?y?").matches(account, 0, account.length)).isTrue();
        assertThat(new DebitGlob("x??y?").matches(account, 0, account.length)).isFalse();
        assertThat(new DebitGlob("*€*").matches(account, 0, account.length)).isTrue();
        assertThat(new DebitGlob("x.y*").matches(account, 0, account.length)).as("'.' is literal").isFalse();
        assertThat(new DebitGlob("x\uD800*").matches(account, 0, account.length)).as("a lone surrogate").isFalse();
    }

    // ------------------------------------------------------------------------------------------------ reference

    /** Principal.permits as it was on the parsed event. */
    private static String referencePermits(String name, Set<String> events, List<String> globs, MutationEvent event) {
        String type = switch (event.getBodyCase()) {
            case CREATE_ACCOUNT -> "create_account";
            case TOP_UP -> "top_up";
            case TRANSFER -> "transfer";
            case SNAPSHOT -> "snapshot";
            case BODY_NOT_SET -> "unset";
        };
        if (!events.contains(type)) {
            return "principal " + name + " may not send " + type + " events (its events rule allows "
                    + String.join(", ", events.stream().sorted().toList()) + ")";
        }
        String debited = switch (event.getBodyCase()) {
            case TRANSFER -> event.getTransfer().getPayerAccountId();
            case TOP_UP -> event.getTopUp().getSettlementAccountId();
            default -> null;
        };
        if (debited != null && globs.stream().noneMatch(g -> regex(g).matcher(debited).matches())) {
            return "principal " + name + " may not debit account " + debited + " (its debit-accounts rule allows "
                    + (globs.isEmpty() ? "none" : String.join(", ", globs)) + ")";
        }
        return null;
    }

    private static Pattern regex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    // ------------------------------------------------------------------------------------------------ generator

    private static MutationEvent event(Random random) {
        MutationEvent.Builder e = MutationEvent.newBuilder().setEventId("e-" + random.nextInt(1000));
        switch (random.nextInt(5)) {
            case 0 -> e.setCreateAccount(CreateAccount.newBuilder().setAccountId(word(random, false)));
            case 1 -> e.setTopUp(TopUp.newBuilder().setAccountId(word(random, false))
                    .setSettlementAccountId(word(random, false)));
            case 2, 3 -> e.setTransfer(Transfer.newBuilder().setPayerAccountId(word(random, false))
                    .setPayeeAccountId(word(random, false)));
            default -> e.setSnapshot(Snapshot.newBuilder().setLabel(word(random, false)));
        }
        return e.build();
    }

    /** A short word of {@link #CHARS}; a glob leans to wildcards, sometimes holds a lone surrogate. */
    private static String word(Random random, boolean glob) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(6); n > 0; n--) {
            int pick = glob && random.nextInt(3) == 0 ? CHARS.length - 1 - random.nextInt(2)
                    : random.nextInt(CHARS.length);
            s.append(CHARS[pick]);
        }
        if (glob && random.nextInt(100) == 0) {
            s.append('\uDC00');
        }
        return s.toString();
    }
}
