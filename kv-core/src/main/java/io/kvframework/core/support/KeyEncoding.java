package io.kvframework.core.support;

import io.kvframework.core.EntityModel;
import io.kvframework.core.InvalidValueException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes values for use inside Redis key names: every UTF-8 byte outside {@code [A-Za-z0-9._-]} is
 * written as {@code %XX}. The result never contains {@code :}, <code>{</code>, <code>}</code>,
 * spaces or non-ASCII, so distinct values give distinct key parts and no value can change which
 * key, hash slot or shard is addressed. The Lua scripts apply the same encoding.
 */
public final class KeyEncoding {
    /** Stands for a null value inside an index key; never produced by {@link #encode}. */
    public static final String NULL = "~";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private KeyEncoding() {
    }

    public static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    public static String decode(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("truncated escape in '" + encoded + "'");
                }
                out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The encoded primary key of column values (by model position). */
    public static String primaryKey(EntityModel<?> model, Object[] values) {
        StringBuilder pk = new StringBuilder();
        boolean first = true;
        for (var column : model.key()) {
            Object v = values[column.position()];
            if (v == null) {
                throw new InvalidValueException(column.qualified() + ": key column must not be null");
            }
            if (!first) {
                pk.append(':');
            }
            first = false;
            pk.append(encode(column.encode(v)));
        }
        return pk.toString();
    }
}
