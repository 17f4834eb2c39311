package dev.ledger.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The snapshot's writer against the JDK's {@link DataOutputStream} as the reference: the same bytes, always. */
class BigEndianOutTest {

    @Test
    void writesExactlyTheBytesDataOutputStreamWritesForRandomFieldsAcrossManyBufferTurns() throws IOException {
        Random random = new Random(42);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        DataOutputStream reference = new DataOutputStream(expected);
        BigEndianOut out = new BigEndianOut(actual);
        for (int i = 0; i < 200_000; i++) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    int v = random.nextInt();
                    reference.writeByte(v);
                    out.writeByte(v);
                }
                case 1 -> {
                    int v = random.nextInt();
                    reference.writeInt(v);
                    out.writeInt(v);
                }
                case 2 -> {
                    long v = random.nextLong();
                    reference.writeLong(v);
                    out.writeLong(v);
                }
                default -> {
                    String s = randomString(random);
                    reference.writeUTF(s);
                    out.writeUTF(s);
                }
            }
        }
        reference.flush();
        out.flush();
        assertThat(actual.size()).as("several buffers' worth").isGreaterThan(4 * BigEndianOut.BUFFER_BYTES);
        assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
    }

    @Test
    void aStringLongerThanTheBufferIsWrittenWholeAndOneTooLongIsRefusedAsTheJdkRefusesIt() throws IOException {
        String big = "x".repeat(0xFFFF); // the longest string there is: with its length, more than one buffer
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        new DataOutputStream(expected).writeUTF(big);
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        BigEndianOut out = new BigEndianOut(actual);
        out.writeLong(7);
        out.writeUTF(big);
        out.flush();
        byte[] bytes = actual.toByteArray();
        assertThat(java.util.Arrays.copyOfRange(bytes, 8, bytes.length)).isEqualTo(expected.toByteArray());

        assertThatThrownBy(() -> out.writeUTF("x".repeat(70_000))).isInstanceOf(UTFDataFormatException.class)
                .hasMessageContaining("70000 bytes");
    }

    /** ASCII, NUL (two bytes in modified UTF-8), two- and three-byte chars, and lone surrogates. */
    private static String randomString(Random random) {
        int length = random.nextInt(40);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(5)) {
                case 0 -> b.append((char) 0);
                case 1 -> b.append((char) (0x80 + random.nextInt(0x780)));
                case 2 -> b.append((char) (0x800 + random.nextInt(0xF800)));
                default -> b.append((char) (1 + random.nextInt(0x7F)));
            }
        }
        return b.toString();
    }
}
