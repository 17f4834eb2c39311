package dev.ledger.server.security;

import java.nio.charset.StandardCharsets;

/**
 * One pattern of a principal's debit-accounts rule ({@code *} any run of characters, {@code ?} exactly one, anything
 * else itself), matched against an account id's UTF-8 bytes as they sit in the event, so that a permission check
 * builds no String. A character is a Unicode code point. The account bytes must be valid UTF-8 (protobuf and the
 * server's reader guarantee that for every string field they accept).
 *
 * <p>Immutable; thread-safe.
 */
final class DebitGlob {

    private final byte[] pattern;
    private final boolean matchesAll;
    /** A pattern with an unpaired surrogate names a character no UTF-8 account id holds: it matches nothing. */
    private final boolean matchesNone;

    DebitGlob(String glob) {
        this.pattern = glob.getBytes(StandardCharsets.UTF_8);
        this.matchesAll = !glob.isEmpty() && glob.chars().allMatch(c -> c == '*');
        this.matchesNone = hasUnpairedSurrogate(glob);
    }

    /** Whether the UTF-8 text {@code text[from, to)} matches the whole pattern. */
    boolean matches(byte[] text, int from, int to) {
        if (matchesAll) {
            return true;
        }
        if (matchesNone) {
            return false;
        }
        // Greedy match that backtracks only to the last '*': each '*' needs to try one more character only, so the
        // work is bounded by pattern length times text length. '*' and '?' are ASCII, so they never occur inside a
        // multi-byte character of the pattern; a literal matches byte for byte.
        byte[] p = pattern;
        int pi = 0;
        int ti = from;
        int starP = -1;
        int starT = -1;
        while (ti < to) {
            if (pi < p.length && p[pi] == '?') {
                pi++;
                ti = nextChar(text, ti);
            } else if (pi < p.length && p[pi] == '*') {
                pi++;
                starP = pi;
                starT = ti;
            } else if (pi < p.length && p[pi] == text[ti]) {
                pi++;
                ti++;
            } else if (starP >= 0) {
                starT = nextChar(text, starT); // the last '*' takes one more character
                ti = starT;
                pi = starP;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == '*') {
            pi++;
        }
        return pi == p.length;
    }

    /** The start of the character after the one starting at {@code i}. */
    private static int nextChar(byte[] text, int i) {
        int lead = text[i] & 0xff;
        return i + (lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4);
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
