package io.kvframework.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSONEachRow line the loader inserts for a change, without a server. */
class ClickHouseRowTest {

    private static String line(ChangeEvent e) throws Exception {
        return new String(ClickHouseSink.line(Trade.MODEL, e, "2026-12-07 10:00:00"), StandardCharsets.UTF_8);
    }

    @Test
    void aChangeBecomesOneLineWithVersionMarkerAndIngestTime() throws Exception {
        ChangeEvent update = new ChangeEvent("trades", ChangeEvent.Op.UPDATE, "t-1", 4, 1L, Map.of("id", "t-1", "desk", "fx", "qty", "7"));
        assertThat(line(update)).isEqualTo("{\"id\":\"t-1\",\"desk\":\"fx\",\"qty\":7,\"version\":4,\"is_deleted\":0,"
                + "\"ingested_at\":\"2026-12-07 10:00:00\"}");
    }

    @Test
    void aDeleteIsARowWithTheMarkerSetSoThatReplacingMergeTreeKeepsIt() throws Exception {
        Map<String, String> before = new HashMap<>(Map.of("id", "t-1", "qty", "-9223372036854775808"));
        ChangeEvent delete = new ChangeEvent("trades", ChangeEvent.Op.DELETE, "t-1", 5, 1L, before);
        assertThat(line(delete)).isEqualTo("{\"id\":\"t-1\",\"desk\":null,\"qty\":-9223372036854775808,\"version\":5,\"is_deleted\":1,"
                + "\"ingested_at\":\"2026-12-07 10:00:00\"}");
    }

    @Test
    void aRecordOfAnotherTableInTheTopicIsRefused() {
        ChangeEvent other = new ChangeEvent("orders", ChangeEvent.Op.CREATE, "o-1", 1, 1L, Map.of("id", "o-1"));
        assertThatThrownBy(() -> line(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("record of table orders in the topic of trades");
    }

    @Test
    void aNumberThatIsNotOneIsRefusedNotLoadedAsZero() {
        ChangeEvent bad = new ChangeEvent("trades", ChangeEvent.Op.UPDATE, "t-1", 2, 1L, Map.of("id", "t-1", "qty", "seven"));
        assertThatThrownBy(() -> line(bad)).isInstanceOf(NumberFormatException.class);
    }
}
