package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UuidsTest {

    @Test
    void canonicalFormParsesToTheBitsOfJavaUtilUuid() {
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            UUID u = new UUID(random.nextLong(), random.nextLong());
            String s = u.toString();
            assertThat(Uuids.isUuid(s)).as(s).isTrue();
            assertThat(Uuids.msb(s)).isEqualTo(u.getMostSignificantBits());
            assertThat(Uuids.lsb(s)).isEqualTo(u.getLeastSignificantBits());
            assertThat(Uuids.format(Uuids.msb(s), Uuids.lsb(s))).isEqualTo(s);
        }
    }

    @Test
    void extremeBitPatternsRoundTrip() {
        for (String s : new String[] {"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
                "80000000-0000-0000-8000-000000000000", "7fffffff-ffff-ffff-7fff-ffffffffffff"}) {
            assertThat(Uuids.isUuid(s)).isTrue();
            assertThat(Uuids.format(Uuids.msb(s), Uuids.lsb(s))).isEqualTo(s);
        }
    }

    @Test
    void uuidsThatDifferOnlyInTheirFirstDigitsHaveDifferentBits() {
        String a = "0000abcd-1111-4222-8333-444455556666";
        String b = "ffffabcd-1111-4222-8333-444455556666";
        assertThat(Uuids.msb(a)).isNotEqualTo(Uuids.msb(b));
        assertThat(Uuids.msb(b)).isEqualTo(0xffffabcd11114222L);
        assertThat(Uuids.lsb(b)).isEqualTo(0x8333444455556666L);
    }

    @Test
    void bytesParseLikeTheStringForEveryDigitAndRejectEveryOtherByteInAnyDigitPlace() {
        Random random = new Random(2);
        long[] bits = new long[2];
        for (int i = 0; i < 2_000; i++) {
            UUID u = new UUID(random.nextLong(), random.nextLong());
            byte[] b = ("xy" + u + "z").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(Uuids.parse(b, 2, bits, 0)).isTrue();
            assertThat(bits).containsExactly(u.getMostSignificantBits(), u.getLeastSignificantBits());
            int place = 2 + random.nextInt(36);
            if (b[place] == '-') {
                continue;
            }
            for (int c = 0; c < 256; c++) {
                byte[] changed = b.clone();
                changed[place] = (byte) c;
                boolean digit = c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
                assertThat(Uuids.parse(changed, 2, bits, 0)).as("byte %d at %d", c, place).isEqualTo(digit);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "6F1C2B3A-4D5E-4F60-8A7B-9C0D1E2F3A4B", // upper case
        "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3A4b", // one upper-case digit
        "6f1c2b3a4d5e4f608a7b9c0d1e2f3a4b",     // no dashes
        "{6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b}",
        "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4",   // 35 chars
        "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b0", // 37 chars
        "6f1c2b3a4-d5e-4f60-8a7b-9c0d1e2f3a4b",  // dash one place late
        "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4g",  // not hex
        "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f-a4b",  // dash in a digit place
        "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4\u0663", // a non-ASCII digit
        "",
        "order-17"})
    void otherSpellingsAreNotUuidShaped(String s) {
        assertThat(Uuids.isUuid(s)).isFalse();
    }

    @Test
    void theBytesFormAgreesWithTheStringFormAndWithJavaUtilUuid() {
        Random random = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            UUID u = new UUID(random.nextLong(), random.nextLong());
            String s = u.toString();
            byte[] b = ("xyz" + s + "!").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(Uuids.isUuid(b, 3, 36)).as(s).isTrue();
            assertThat(Uuids.msb(b, 3)).isEqualTo(u.getMostSignificantBits());
            assertThat(Uuids.lsb(b, 3)).isEqualTo(u.getLeastSignificantBits());
        }
        String s = "0192f1c4-6e2a-7b3c-9d1e-4f5a6b7c8d9e";
        for (int at = 0; at < s.length(); at++) { // each character replaced: a non-hex digit, a moved dash, upper case
            for (char c : new char[] {'x', 'G', 'A', '-', '/', ':', '`', (char) 0xE9}) {
                String broken = s.substring(0, at) + c + s.substring(at + 1);
                byte[] b = broken.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(Uuids.isUuid(b, 0, 36)).as(broken).isEqualTo(Uuids.isUuid(broken));
                assertThat(Uuids.isUuid(broken)).as(broken).isEqualTo(broken.equals(s));
            }
        }
        assertThat(Uuids.isUuid(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 35)).isFalse();
    }

    // The ingest server's decision routing keys ids by this rule from both forms (a Submit's String, a record's bytes).

    private static byte[] inBytes(String id, int offset) {
        byte[] bytes = new byte[offset + id.length() + 3];
        System.arraycopy(id.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, offset, id.length());
        return bytes;
    }

    @Test
    void aCanonicalUuidReadsToTheSameBitsFromAStringAndFromBytesAtAnOffset() {
        Random random = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            UUID uuid = new UUID(random.nextLong(), random.nextLong());
            String id = uuid.toString();
            byte[] bytes = inBytes(id, 7);
            assertThat(Uuids.isUuid(id)).isTrue();
            assertThat(Uuids.isUuid(bytes, 7, id.length())).isTrue();
            assertThat(Uuids.msb(id)).isEqualTo(uuid.getMostSignificantBits());
            assertThat(Uuids.lsb(id)).isEqualTo(uuid.getLeastSignificantBits());
            assertThat(Uuids.msb(bytes, 7)).isEqualTo(uuid.getMostSignificantBits());
            assertThat(Uuids.lsb(bytes, 7)).isEqualTo(uuid.getLeastSignificantBits());
        }
        String edges = "00000000-0000-0000-0000-000000000000";
        assertThat(Uuids.isUuid(edges)).isTrue();
        assertThat(Uuids.msb("ffffffff-ffff-ffff-ffff-ffffffffffff")).isEqualTo(-1L);
    }

    @Test
    void anyOtherIdIsNotUuidShapedAsAStringOrAsBytes() {
        String uuid = "0192f1c4-6e2a-7b3c-9d1e-4f5a6b7c8d9e";
        String[] others = {
            "", "e-1", uuid.toUpperCase(), uuid.substring(1), uuid + "0", uuid.replace('-', '_'),
            "0192f1c46e2a7b3c9d1e4f5a6b7c8d9e0000", // 36 characters, no dashes
            "0192f1c4-6e2a-7b3c-9d1e4-f5a6b7c8d9e", // a dash moved
            uuid.replace('9', 'g'), uuid.replace('9', '/'), uuid.replace('9', ':'), uuid.replace('a', '`'),
            uuid.replace('9', 'é'), uuid.replace('9', '名'), uuid.replace('9', 'A'),
        };
        for (String id : others) {
            assertThat(Uuids.isUuid(id)).as(id).isFalse();
            byte[] latin1 = id.getBytes(StandardCharsets.UTF_8);
            assertThat(Uuids.isUuid(inBytes(new String(latin1, StandardCharsets.ISO_8859_1), 2), 2,
                    latin1.length)).as("bytes of %s", id).isFalse();
        }
        for (int at = 0; at < uuid.length(); at++) { // every single character replaced by a non-hex one
            String broken = uuid.substring(0, at) + 'x' + uuid.substring(at + 1);
            assertThat(Uuids.isUuid(broken)).as(broken).isFalse();
            assertThat(Uuids.isUuid(inBytes(broken, 0), 0, broken.length())).as(broken).isFalse();
        }
    }
}
