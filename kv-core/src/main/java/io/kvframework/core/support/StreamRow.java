package io.kvframework.core.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.kvframework.core.InvalidValueException;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The row image of a stream entry — a JSON object of column name to string value — kept as the JSON
 * text it arrived as and read into a map only when a value is asked for. A sink that forwards rows
 * (the Kafka bridge) copies {@link #json()} as it is, without reading and writing every value again.
 * {@link #of} checks the text's shape at once (one object, string values, nothing after it), so a
 * corrupted entry is refused where it is read.
 */
public final class StreamRow extends AbstractMap<String, String> {
    private static final TypeReference<LinkedHashMap<String, String>> ROW = new TypeReference<>() {
    };

    private final String json;
    private volatile Map<String, String> map;

    private StreamRow(String json, Map<String, String> values) {
        this.json = json;
        this.map = values;
    }

    /**
     * The row of a stream entry's {@code row} field.
     *
     * @throws InvalidValueException when the text is not a JSON object of strings
     */
    public static Map<String, String> of(String json) {
        if (objectOfStrings(json)) {
            return new StreamRow(json, null);
        }
        // another shape Jackson reads into strings (numbers, booleans, nulls): read it now, as before
        Map<String, String> parsed = parse(json);
        return Collections.unmodifiableMap(parsed);
    }

    /** The JSON text of the row, exactly as it was in the stream entry. */
    public String json() {
        return json;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return parsed().entrySet();
    }

    @Override
    public String get(Object key) {
        return parsed().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return parsed().containsKey(key);
    }

    @Override
    public int size() {
        return parsed().size();
    }

    /**
     * Calls {@code action} with each name and value, in the text's order, reading the JSON text
     * when the map has not been built (nothing is kept); a name given twice is passed twice.
     */
    public void forEachValue(BiConsumer<String, String> action) {
        Map<String, String> v = map;
        if (v != null) {
            v.forEach(action);
            return;
        }
        read(json, action);
    }

    private Map<String, String> parsed() {
        Map<String, String> v = map;
        if (v == null) {
            // a name given twice keeps its last value, as Jackson's map binding does
            Map<String, String> row = new LinkedHashMap<>();
            read(json, row::put);
            v = Collections.unmodifiableMap(row);
            map = v;
        }
        return v;
    }

    private static Map<String, String> parse(String json) {
        Map<String, String> row;
        try {
            row = JsonMapper.MAPPER.readValue(json, ROW);
        } catch (JsonProcessingException e) {
            throw new InvalidValueException("stream entry row is not a JSON object of strings: " + e.getOriginalMessage(), e);
        }
        if (row == null) {
            throw new InvalidValueException("stream entry row is null");
        }
        return row;
    }

    /** Walks a text {@link #of} accepted (it is immutable, so it still is one). */
    private static void read(String json, BiConsumer<String, String> action) {
        if (!walk(json, action)) {
            throw new InvalidValueException("stream entry row is not a JSON object of strings");
        }
    }

    /**
     * Whether the text is exactly one JSON object whose values are all strings, with nothing but
     * whitespace around it: checked character by character, nothing built. It accepts no more than
     * Jackson's parser with the mapper's settings does (escapes {@code \" \\ \/ \b \f \n \r \t \\uXXXX},
     * no raw control characters, JSON's four whitespace characters), so what it accepts is read
     * later without error.
     */
    static boolean objectOfStrings(String json) {
        return walk(json, null);
    }

    /**
     * Walks a JSON object of strings, passing each name and value to {@code action} (when not null);
     * false when the text is not one.
     */
    private static boolean walk(String json, BiConsumer<String, String> action) {
        int n = json.length();
        int i = space(json, 0);
        if (i >= n || json.charAt(i) != '{') {
            return false;
        }
        i = space(json, i + 1);
        if (i < n && json.charAt(i) == '}') {
            return space(json, i + 1) == n;
        }
        while (true) {
            int nameAt = i;
            i = string(json, i);
            if (i < 0) {
                return false;
            }
            int nameEnd = i;
            i = space(json, i);
            if (i >= n || json.charAt(i) != ':') {
                return false;
            }
            int valueAt = space(json, i + 1);
            i = string(json, valueAt);
            if (i < 0) {
                return false;
            }
            if (action != null) {
                action.accept(text(json, nameAt + 1, nameEnd - 1), text(json, valueAt + 1, i - 1));
            }
            i = space(json, i);
            if (i >= n) {
                return false;
            }
            char c = json.charAt(i);
            if (c == '}') {
                return space(json, i + 1) == n;
            }
            if (c != ',') {
                return false;
            }
            i = space(json, i + 1);
        }
    }

    /** The index after JSON whitespace from {@code i}. */
    private static int space(String json, int i) {
        int n = json.length();
        while (i < n) {
            char c = json.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** The index after the JSON string starting at {@code i}, or -1 when there is none. */
    private static int string(String json, int i) {
        int n = json.length();
        if (i >= n || json.charAt(i) != '"') {
            return -1;
        }
        i++;
        while (i < n) {
            char c = json.charAt(i++);
            if (c == '"') {
                return i;
            }
            if (c < 0x20) {
                return -1;
            }
            if (c == '\\') {
                if (i >= n) {
                    return -1;
                }
                switch (json.charAt(i++)) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                    }
                    case 'u' -> {
                        if (i + 4 > n || hex(json, i) < 0) {
                            return -1;
                        }
                        i += 4;
                    }
                    default -> {
                        return -1;
                    }
                }
            }
        }
        return -1;
    }

    /** The text of a string {@link #string} accepted, between its quotes ({@code from} to {@code to}), escapes resolved. */
    private static String text(String json, int from, int to) {
        int slash = json.indexOf('\\', from);
        if (slash < 0 || slash >= to) {
            return json.substring(from, to);
        }
        StringBuilder sb = new StringBuilder(to - from);
        sb.append(json, from, slash);
        for (int i = slash; i < to; i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = json.charAt(++i);
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) hex(json, i + 1));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    /** The value of the four hex digits at {@code i}, or -1. */
    private static int hex(String json, int i) {
        int v = 0;
        for (int k = i; k < i + 4; k++) {
            char c = json.charAt(k);
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
}
