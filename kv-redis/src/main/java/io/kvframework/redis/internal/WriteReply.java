package io.kvframework.redis.internal;

import io.kvframework.redis.TableMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoded reply of {@code write.lua}: {@code {status, version, stream id, flattened row}}, or
 * {@code {'mode', 0, <table mode>}} when the table is not in KV mode. The one place the reply's
 * layout is known.
 *
 * @param status what happened
 * @param version the row's version after the write ({@code ok}), or its current one ({@code dup}, {@code conflict}, {@code gone})
 * @param streamId the change event's stream entry id ({@code ok} only)
 * @param mode the table's mode ({@link WriteStatus#TABLE_MODE} only)
 * @param image the row's fields after the write ({@code ok}, when asked for)
 */
record WriteReply(WriteStatus status, long version, String streamId, TableMode mode, Map<String, String> image) {

    @SuppressWarnings("unchecked")
    static WriteReply decode(List<Object> reply, boolean withImage) {
        if (reply == null || reply.size() < 2) {
            throw new IllegalStateException("write.lua replied " + reply + "; expected at least {status, version}");
        }
        WriteStatus status = WriteStatus.fromWire((String) reply.get(0));
        long version = (Long) reply.get(1);
        if (status == WriteStatus.TABLE_MODE) {
            return new WriteReply(status, 0, null, TableMode.fromWire((String) reply.get(2)), null);
        }
        if (status != WriteStatus.OK) {
            return new WriteReply(status, version, null, null, null);
        }
        String id = (String) reply.get(2);
        if (!withImage || reply.size() < 4) {
            return new WriteReply(status, version, id, null, null);
        }
        List<Object> flat = (List<Object>) reply.get(3);
        Map<String, String> image = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            image.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return new WriteReply(status, version, id, null, image);
    }
}
