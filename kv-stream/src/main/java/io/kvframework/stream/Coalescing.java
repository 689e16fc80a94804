package io.kvframework.stream;

import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.ShardEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several changes of one row in one batch become one: the one with the highest version, at the
 * place of the row's first change. Sinks that apply by version (the database) write the same end
 * state with fewer statements; sinks that keep history (Kafka) opt out with
 * {@link ChangeSink#coalesce()}.
 */
final class Coalescing {
    private Coalescing() {
    }

    /** A row: its table and primary key. */
    private record Row(String table, String key) {
    }

    static List<ShardEvent> latestPerKey(List<ShardEvent> events) {
        Map<Row, ShardEvent> byKey = new LinkedHashMap<>(events.size() * 2);
        for (ShardEvent e : events) {
            Row key = new Row(e.event().table(), e.event().key());
            ShardEvent current = byKey.get(key);
            if (current == null || current.event().version() < e.event().version()) {
                byKey.put(key, e);
            }
        }
        return new ArrayList<>(byKey.values());
    }
}
