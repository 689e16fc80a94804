package io.kvframework.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.StringCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvStringCodecTest {
    /** A direct buffer holding {@code before}, the value, then {@code after}, positioned and limited to the value, as Lettuce hands it over. */
    private static ByteBuffer reply(byte[] value) {
        ByteBuffer all = ByteBuffer.allocateDirect(value.length + 6);
        all.put("$xx\r\n".getBytes(StandardCharsets.US_ASCII)).put(value).put((byte) '\r');
        return all.position(5).limit(5 + value.length).slice().asReadOnlyBuffer();
    }

    @Test
    void decodesWhatLettucesCodecDecodesAndLeavesThePosition() {
        List<byte[]> values = List.of(new byte[0], "c".getBytes(StandardCharsets.UTF_8), "é".getBytes(StandardCharsets.UTF_8),
                "op".getBytes(StandardCharsets.UTF_8), "oq".getBytes(StandardCharsets.UTF_8), "rows".getBytes(StandardCharsets.UTF_8),
                "versioN".getBytes(StandardCharsets.UTF_8), "{\"id\":\"日本語 – 🙂\",\"n\":\"1\"}".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xff}, new byte[] {'a', (byte) 0xc3}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                "1733000000000-0".getBytes(StandardCharsets.UTF_8), new byte[] {0}, new byte[] {127});
        for (byte[] v : values) {
            ByteBuffer ours = reply(v);
            ByteBuffer lettuces = reply(v);
            assertThat(KvStringCodec.UTF8.decodeValue(ours)).isEqualTo(StringCodec.UTF8.decodeValue(lettuces));
            assertThat(KvStringCodec.UTF8.decodeKey(reply(v))).isEqualTo(StringCodec.UTF8.decodeKey(reply(v)));
            assertThat(ours.position()).isZero();
            assertThat(ours.remaining()).isEqualTo(v.length);
        }
    }

    @Test
    void answersStreamFieldNamesAndSingleBytesWithSharedInstances() {
        for (String name : List.of("table", "op", "key", "version", "ts", "row", "c", "u", "d", "1")) {
            String first = KvStringCodec.UTF8.decodeValue(reply(name.getBytes(StandardCharsets.UTF_8)));
            String second = KvStringCodec.UTF8.decodeValue(reply(name.getBytes(StandardCharsets.UTF_8)));
            assertThat(first).isEqualTo(name).isSameAs(second);
        }
        assertThat(KvStringCodec.UTF8.decodeValue(reply("tablE".getBytes(StandardCharsets.UTF_8)))).isEqualTo("tablE");
    }

    @Test
    void heapBuffersAndNil() {
        ByteBuffer heap = ByteBuffer.wrap("xxkeyxx".getBytes(StandardCharsets.UTF_8), 2, 3);
        assertThat(KvStringCodec.UTF8.decodeKey(heap)).isEqualTo("key");
        assertThat(heap.position()).isEqualTo(2);
        assertThat(KvStringCodec.UTF8.decodeValue(null)).isNull();
    }

    @Test
    void encodesAsLettuce() {
        String v = "ключ:{1}";
        assertThat(KvStringCodec.UTF8.encodeValue(v)).isEqualTo(StringCodec.UTF8.encodeValue(v));
        assertThat(KvStringCodec.UTF8.encodeKey(v)).isEqualTo(StringCodec.UTF8.encodeKey(v));
    }
}
