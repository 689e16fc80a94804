package io.kvframework.core.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import io.kvframework.core.InvalidValueException;
import java.io.IOException;
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
     * Calls {@code action} with each name and value, in the text's order, reading the JSON text token
     * by token when the map has not been built (nothing is kept); a name given twice is passed twice.
     */
    public void forEachValue(BiConsumer<String, String> action) {
        Map<String, String> v = map;
        if (v != null) {
            v.forEach(action);
            return;
        }
        try (JsonParser p = JsonMapper.MAPPER.getFactory().createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                action.accept(name, p.getText());
            }
        } catch (IOException e) {
            throw new InvalidValueException("stream entry row is not a JSON object of strings: " + e.getMessage(), e);
        }
    }

    private Map<String, String> parsed() {
        Map<String, String> v = map;
        if (v == null) {
            v = Collections.unmodifiableMap(strings(json));
            map = v;
        }
        return v;
    }

    /**
     * The names and values of a text {@link #objectOfStrings} accepted, read token by token (the
     * shape is known: no data binding needed). A name given twice keeps its last value, as Jackson's
     * map binding does.
     */
    private static Map<String, String> strings(String json) {
        try (JsonParser p = JsonMapper.MAPPER.getFactory().createParser(json)) {
            p.nextToken();
            Map<String, String> row = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                row.put(name, p.getText());
            }
            return row;
        } catch (IOException e) {
            throw new InvalidValueException("stream entry row is not a JSON object of strings: " + e.getMessage(), e);
        }
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

    /** Whether the text is exactly one JSON object whose values are all strings (read token by token, no values built). */
    static boolean objectOfStrings(String json) {
        try (JsonParser p = JsonMapper.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    return false;
                }
            }
            return t == JsonToken.END_OBJECT && p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
