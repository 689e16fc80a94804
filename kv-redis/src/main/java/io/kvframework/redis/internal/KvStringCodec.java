package io.kvframework.redis.internal;

import io.lettuce.core.codec.StringCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Lettuce's UTF-8 string codec with a cheaper decoder, for the connections KvClient opens. Lettuce's
 * own wraps every reply string in a Netty buffer and decodes it through a {@code CharsetDecoder};
 * this one copies the bytes into an array and lets {@code String}'s UTF-8 constructor decode them
 * (an intrinsic for ASCII), and answers the names of a stream entry's fields and one-byte values
 * (operations, small versions) with shared instances. A drain decodes about fourteen strings per
 * entry, so this is most of what reading the stream costs the client. Encoding is Lettuce's.
 */
public final class KvStringCodec extends StringCodec {
    /** The codec instance; it keeps no state. */
    public static final KvStringCodec UTF8 = new KvStringCodec();

    private static final String[] ONE_BYTE = new String[128];
    /** The field names of a stream entry (see {@code ChangeEvent}). */
    private static final String[] FIELD_NAMES = {"table", "op", "key", "version", "ts", "row"};

    static {
        for (int c = 0; c < ONE_BYTE.length; c++) {
            ONE_BYTE[c] = String.valueOf((char) c).intern();
        }
    }

    private KvStringCodec() {
        super(StandardCharsets.UTF_8);
    }

    @Override
    public String decodeKey(ByteBuffer bytes) {
        return decode(bytes);
    }

    @Override
    public String decodeValue(ByteBuffer bytes) {
        return decode(bytes);
    }

    /** The UTF-8 text of the buffer's remaining bytes; the buffer's position is left where it was. */
    static String decode(ByteBuffer bytes) {
        if (bytes == null) {
            return null;
        }
        int at = bytes.position();
        int n = bytes.remaining();
        if (n == 0) {
            return "";
        }
        if (n == 1 && bytes.get(at) >= 0) {
            return ONE_BYTE[bytes.get(at)];
        }
        for (String name : FIELD_NAMES) {
            if (name.length() == n && is(bytes, at, name)) {
                return name;
            }
        }
        byte[] copy = new byte[n];
        bytes.get(at, copy);
        return new String(copy, StandardCharsets.UTF_8);
    }

    /** Whether the bytes at {@code at} are the ASCII name (the caller checked the length). */
    private static boolean is(ByteBuffer bytes, int at, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (bytes.get(at + i) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
