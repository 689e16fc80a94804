package io.kvframework.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kvframework.core.support.JsonMapper;
import io.kvframework.core.support.StreamRow;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One change of one row, as written to a stream shard in the same atomic step as the change. The
 * stream entry's fields are:
 *
 * <table>
 *   <caption>stream entry fields</caption>
 *   <tr><th>field</th><th>content</th></tr>
 *   <tr><td>{@code table}</td><td>table name</td></tr>
 *   <tr><td>{@code op}</td><td>{@code c} create, {@code u} update, {@code d} delete</td></tr>
 *   <tr><td>{@code key}</td><td>the encoded primary key (key parts, each percent-encoded, joined by {@code :})</td></tr>
 *   <tr><td>{@code version}</td><td>row version after the change (1 for the first create; continues across delete and re-create)</td></tr>
 *   <tr><td>{@code ts}</td><td>time of the change in epoch milliseconds (Redis server clock)</td></tr>
 *   <tr><td>{@code row}</td><td>JSON object of the full row after the change (for a delete: the row before it),
 *       column name to canonical string value; null columns are absent</td></tr>
 * </table>
 */
public record ChangeEvent(String table, Op op, String key, long version, long timestampMillis, Map<String, String> row) {

    /** The kind of change, with Debezium's one-letter codes. */
    public enum Op {
        CREATE("c"), UPDATE("u"), DELETE("d");

        private final String code;

        Op(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Op of(String code) {
            return switch (code == null ? "" : code) {
                case "c" -> CREATE;
                case "u" -> UPDATE;
                case "d" -> DELETE;
                default -> throw new InvalidValueException("unknown change op '" + code + "' (expected c, u or d)");
            };
        }
    }

    public ChangeEvent {
        // a row read from a stream entry stays as its JSON text until a value is asked for (it is immutable)
        row = row instanceof StreamRow ? row : Collections.unmodifiableMap(new LinkedHashMap<>(row));
    }

    /**
     * Reads a stream entry.
     *
     * @throws InvalidValueException when the entry is not a KV change event (a foreign or corrupted entry)
     */
    public static ChangeEvent fromStreamEntry(Map<String, String> fields) {
        String table = required(fields, "table");
        String key = fields.get("key");
        if (key == null) {
            throw new InvalidValueException("stream entry has no 'key' field: not a KV change event");
        }
        Op op = Op.of(required(fields, "op"));
        long version = number(fields, "version");
        long ts = number(fields, "ts");
        if (version < 1) {
            throw new InvalidValueException("stream entry has version " + version + "; versions start at 1");
        }
        return new ChangeEvent(table, op, key, version, ts, StreamRow.of(required(fields, "row")));
    }

    /** The stream entry fields of this event. */
    public Map<String, String> toStreamEntry() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("table", table);
        fields.put("op", op.code());
        fields.put("key", key);
        fields.put("version", Long.toString(version));
        fields.put("ts", Long.toString(timestampMillis));
        fields.put("row", rowJson());
        return fields;
    }

    /**
     * The row as a JSON object of strings: the stream entry's own text when the event was read from
     * one (copied, not rebuilt), otherwise written from {@link #row()}.
     */
    public String rowJson() {
        if (row instanceof StreamRow stream) {
            return stream.json();
        }
        try {
            return JsonMapper.MAPPER.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Decodes the row image into column values by position of {@code model}.
     *
     * @throws InvalidValueException when the row has a column the model has not, or a value that does not decode
     */
    public Object[] values(EntityModel<?> model) {
        if (!model.table().equals(table)) {
            throw new InvalidValueException("event of table " + table + " decoded with the model of " + model.table());
        }
        // the texts by column first (a name given twice keeps its last value), then each decoded once
        String[] texts = new String[model.columns().size()];
        if (row instanceof StreamRow stream) {
            stream.forEachValue((name, text) -> texts[model.column(name).position()] = text);
        } else {
            row.forEach((name, text) -> texts[model.column(name).position()] = text);
        }
        Object[] values = new Object[texts.length];
        for (int i = 0; i < texts.length; i++) {
            if (texts[i] != null) {
                values[i] = model.columns().get(i).decode(texts[i]);
            }
        }
        return values;
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            throw new InvalidValueException("stream entry has no '" + name + "' field: not a KV change event");
        }
        return value;
    }

    private static long number(Map<String, String> fields, String name) {
        String value = required(fields, name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidValueException("stream entry field '" + name + "' is not a number: " + value, e);
        }
    }
}
