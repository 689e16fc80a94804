package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import io.kvframework.core.InvalidValueException;
import io.kvframework.redis.KvKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An entity's values as a Redis row hash holds them (column name → canonical string, {@code _v} the
 * version, {@code _d} a tombstone), and its key values. No server involved.
 */
final class RowCodec<E> {
    private final EntityModel<E> model;
    private final int maxValueLength;

    RowCodec(EntityModel<E> model, int maxValueLength) {
        this.model = model;
        this.maxValueLength = maxValueLength;
    }

    /** A row hash decoded. */
    record RedisRow(Object[] values, long version, boolean tombstone) {
    }

    /** A JSON object of field/value pairs ({@link #fieldPairs}): the row of a create's change event. */
    static String json(List<String> pairs) {
        // Jackson's own string escaping, without building a tree: the same JSON as writing an ObjectNode
        com.fasterxml.jackson.core.io.JsonStringEncoder escape = com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance();
        StringBuilder out = new StringBuilder(16 * pairs.size() + 2).append('{');
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"');
            escape.quoteAsString(pairs.get(i), out);
            out.append("\":\"");
            escape.quoteAsString(pairs.get(i + 1), out);
            out.append('"');
        }
        return out.append('}').toString();
    }

    /** Field/value pairs of the non-null columns, sizes checked. */
    List<String> fieldPairs(Object[] values) {
        List<String> fields = new ArrayList<>(values.length * 2);
        for (Column<E, ?> c : model.columns()) {
            Object v = values[c.position()];
            if (v != null) {
                fields.add(c.name());
                fields.add(encodeChecked(c, v));
            }
        }
        return fields;
    }

    String encodeChecked(Column<?, ?> c, Object v) {
        String text = c.encode(v);
        if (c.maxLength() < 0) {
            int length = switch (c.type()) {
                case STRING, JSON -> text.length();
                case BYTES -> ((byte[]) v).length;
                default -> 0;
            };
            if (length > maxValueLength) {
                throw new InvalidValueException(c.qualified() + ": value of length " + length + " exceeds the limit of "
                        + maxValueLength + " (KvOptions.maxValueLength, or declare maxLength on the column)");
            }
        }
        return text;
    }

    /** Values as storage keeps them (for example Instants to the microsecond). */
    Object[] normalized(Object[] values) {
        Object[] out = values.clone();
        for (Column<E, ?> c : model.columns()) {
            out[c.position()] = normalize(c, out[c.position()]);
        }
        return out;
    }

    Object[] keyValues(Object[] values) {
        Object[] key = new Object[model.key().size()];
        for (int i = 0; i < key.length; i++) {
            key[i] = values[model.key().get(i).position()];
        }
        return key;
    }

    Object[] keyValuesOf(String pk) {
        List<String> parts = KvKeys.splitPrimaryKey(pk);
        Object[] key = new Object[model.key().size()];
        for (int i = 0; i < key.length; i++) {
            key[i] = model.key().get(i).decode(parts.get(i));
        }
        return key;
    }

    String keyDescription(Object[] values) {
        return Arrays.toString(keyValues(values));
    }

    RedisRow decode(Map<String, String> hash) {
        Object[] values = new Object[model.columns().size()];
        for (Column<E, ?> c : model.columns()) {
            String text = hash.get(c.name());
            if (text != null) {
                values[c.position()] = c.decode(text);
            }
        }
        String v = hash.get("_v");
        return new RedisRow(values, v == null ? 0 : Long.parseLong(v), "1".equals(hash.get("_d")));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object normalize(Column c, Object v) {
        return c.normalize(v);
    }
}
