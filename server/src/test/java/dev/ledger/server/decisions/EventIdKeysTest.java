package dev.ledger.server.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which event ids the router keys by their 128 bits, read alike from a String and from a record's bytes. */
class EventIdKeysTest {

    private static byte[] inBytes(String id, int offset) {
        byte[] bytes = new byte[offset + id.length() + 3];
        System.arraycopy(id.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, offset, id.length());
        return bytes;
    }

    @Test
    void aCanonicalUuidIsKeyedByItsBitsFromAStringAndFromBytes() {
        Random random = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            UUID uuid = new UUID(random.nextLong(), random.nextLong());
            String id = uuid.toString();
            byte[] bytes = inBytes(id, 7);
            assertThat(EventIdKeys.isUuid(id)).isTrue();
            assertThat(EventIdKeys.isUuid(bytes, 7, id.length())).isTrue();
            assertThat(EventIdKeys.high(id)).isEqualTo(uuid.getMostSignificantBits());
            assertThat(EventIdKeys.low(id)).isEqualTo(uuid.getLeastSignificantBits());
            assertThat(EventIdKeys.high(bytes, 7)).isEqualTo(uuid.getMostSignificantBits());
            assertThat(EventIdKeys.low(bytes, 7)).isEqualTo(uuid.getLeastSignificantBits());
        }
        String edges = "00000000-0000-0000-0000-000000000000";
        assertThat(EventIdKeys.isUuid(edges)).isTrue();
        assertThat(EventIdKeys.high("ffffffff-ffff-ffff-ffff-ffffffffffff")).isEqualTo(-1L);
    }

    @Test
    void anyOtherIdIsNotUuidShaped() {
        String uuid = "0192f1c4-6e2a-7b3c-9d1e-4f5a6b7c8d9e";
        String[] others = {
            "", "e-1", uuid.toUpperCase(), uuid.substring(1), uuid + "0", uuid.replace('-', '_'),
            "0192f1c46e2a7b3c9d1e4f5a6b7c8d9e0000", // 36 characters, no dashes
            "0192f1c4-6e2a-7b3c-9d1e4-f5a6b7c8d9e", // a dash moved
            uuid.replace('9', 'g'), uuid.replace('9', '/'), uuid.replace('9', ':'), uuid.replace('a', '`'),
            uuid.replace('9', 'é'), uuid.replace('9', '名'), uuid.replace('9', 'A'),
        };
        for (String id : others) {
            assertThat(EventIdKeys.isUuid(id)).as(id).isFalse();
            byte[] latin1 = id.getBytes(StandardCharsets.UTF_8);
            assertThat(EventIdKeys.isUuid(inBytes(new String(latin1, StandardCharsets.ISO_8859_1), 2), 2,
                    latin1.length)).as("bytes of %s", id).isFalse();
        }
        for (int at = 0; at < uuid.length(); at++) { // every single character replaced by a non-hex one
            String broken = uuid.substring(0, at) + 'x' + uuid.substring(at + 1);
            assertThat(EventIdKeys.isUuid(broken)).as(broken).isFalse();
            assertThat(EventIdKeys.isUuid(inBytes(broken, 0), 0, broken.length())).as(broken).isFalse();
        }
    }
}
