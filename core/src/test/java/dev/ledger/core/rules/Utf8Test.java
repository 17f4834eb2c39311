package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

    private static boolean jdkAccepts(byte[] b, int from, int to) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, from, to - from));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnMostlyAsciiRangesAtEveryOffsetAndLength() {
        Random random = new Random(3);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[1 + random.nextInt(40)];
            for (int k = 0; k < b.length; k++) {
                int r = random.nextInt(100);
                b[k] = (byte) (r < 90 ? 32 + random.nextInt(95) : r < 97 ? 0x80 + random.nextInt(64)
                        : 0xC0 + random.nextInt(64));
            }
            int from = random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from + 1);
            boolean expected = jdkAccepts(b, from, to);
            assertThat(Utf8.isValid(b, from, to)).as("%s [%d, %d)", java.util.Arrays.toString(b), from, to)
                    .isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).isBetween(20_000, 180_000); // both answers were exercised
    }

    @Test
    void aNonAsciiByteJustOutsideTheRangeDoesNotCount() {
        byte[] b = "abc\u00e9".getBytes(StandardCharsets.UTF_8); // the last two bytes are one char
        assertThat(Utf8.isValid(b, 0, 3)).isTrue();
        assertThat(Utf8.isValid(b, 0, 4)).isFalse(); // cut inside the char
        assertThat(Utf8.isValid(b, 0, 5)).isTrue();
    }
}
