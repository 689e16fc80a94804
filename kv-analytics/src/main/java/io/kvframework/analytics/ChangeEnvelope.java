package io.kvframework.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvframework.core.ChangeEvent;
import io.kvframework.core.support.JsonMapper;
import java.nio.charset.StandardCharsets;

/**
 * The JSON value of a Kafka record, close to Debezium's envelope:
 *
 * <pre>
 * {"op":"u","table":"orders","key":"o-17","version":3,"ts_ms":1763800000123,
 *  "before":null,"after":{"id":"o-17","city":"Oslo",...}}
 * </pre>
 *
 * {@code op} is {@code c}, {@code u} or {@code d}; {@code after} is the full row after the change
 * (column → canonical string value, null columns absent), or null for a delete, whose
 * {@code before} holds the row as it was. The record key is {@code key}; headers {@code kv.table},
 * {@code kv.op} and {@code kv.version} repeat the envelope's fields.
 */
public final class ChangeEnvelope {
    private ChangeEnvelope() {
    }

    /**
     * The envelope of an event, as UTF-8 JSON. The row is the event's row JSON copied as it is
     * ({@link ChangeEvent#rowJson()}: for an event read from a stream, the entry's own text), so
     * that forwarding an entry costs no reading and rewriting of its values.
     */
    public static byte[] toJson(ChangeEvent event) {
        JsonStringEncoder escape = JsonStringEncoder.getInstance();
        StringBuilder out = new StringBuilder(64 + event.table().length() + event.key().length() + 256);
        out.append("{\"op\":\"").append(event.op().code()).append("\",\"table\":\"");
        escape.quoteAsString(event.table(), out);
        out.append("\",\"key\":\"");
        escape.quoteAsString(event.key(), out);
        out.append("\",\"version\":").append(event.version()).append(",\"ts_ms\":").append(event.timestampMillis());
        String row = event.rowJson();
        if (event.op() == ChangeEvent.Op.DELETE) {
            out.append(",\"before\":").append(row).append(",\"after\":null}");
        } else {
            out.append(",\"before\":null,\"after\":").append(row).append('}');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The envelope built as a tree and written by Jackson: what {@link #toJson} must equal (tests compare them). */
    static byte[] toJsonTree(ChangeEvent event) {
        ObjectNode node = JsonMapper.MAPPER.createObjectNode();
        node.put("op", event.op().code());
        node.put("table", event.table());
        node.put("key", event.key());
        node.put("version", event.version());
        node.put("ts_ms", event.timestampMillis());
        ObjectNode row = JsonMapper.MAPPER.createObjectNode();
        event.row().forEach(row::put);
        if (event.op() == ChangeEvent.Op.DELETE) {
            node.set("before", row);
            node.putNull("after");
        } else {
            node.putNull("before");
            node.set("after", row);
        }
        try {
            return JsonMapper.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads an envelope back into an event. */
    public static ChangeEvent fromJson(byte[] json) {
        try {
            ObjectNode node = (ObjectNode) JsonMapper.MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
            ChangeEvent.Op op = ChangeEvent.Op.of(node.path("op").asText());
            ObjectNode row = (ObjectNode) (op == ChangeEvent.Op.DELETE ? node.get("before") : node.get("after"));
            java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
            if (row != null) {
                row.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
            }
            return new ChangeEvent(node.path("table").asText(), op, node.path("key").asText(), node.path("version").asLong(),
                    node.path("ts_ms").asLong(), values);
        } catch (java.io.IOException | ClassCastException e) {
            throw new io.kvframework.core.InvalidValueException("not a KV change envelope: " + e.getMessage(), e);
        }
    }
}
