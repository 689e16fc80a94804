package io.kvframework.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.InvalidValueException;
import io.kvframework.core.fixtures.Line;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.redis.KvKeys;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A row as its Redis hash holds it, and back, without a server. */
class RowCodecTest {
    private final RowCodec<Order> orders = new RowCodec<>(Order.MODEL, 1000);

    private static Map<String, String> hash(List<String> pairs) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < pairs.size(); i += 2) {
            h.put(pairs.get(i), pairs.get(i + 1));
        }
        return h;
    }

    @Test
    void aRowRoundTripsThroughItsHashWithNullsLeftOut() {
        Order o = new Order("o-1", "Oslo", Status.PAID, new BigDecimal("10.5"), 3, null,
                Instant.parse("2026-01-02T03:04:05.123456789Z"), null, 0);
        Object[] values = orders.normalized(Order.MODEL.values(o));
        List<String> pairs = orders.fieldPairs(values);
        assertThat(pairs).containsSequence("total", "10.50").doesNotContain("email", "note");
        Map<String, String> h = hash(pairs);
        h.put("_v", "7");
        RowCodec.RedisRow row = orders.decode(h);
        assertThat(row.version()).isEqualTo(7);
        assertThat(row.tombstone()).isFalse();
        assertThat(Order.MODEL.create(row.values(), row.version())).isEqualTo(new Order("o-1", "Oslo", Status.PAID,
                new BigDecimal("10.50"), 3, null, Instant.parse("2026-01-02T03:04:05.123456Z"), null, 7));
    }

    @Test
    void aTombstoneIsATombstone() {
        RowCodec.RedisRow row = orders.decode(Map.of("_v", "4", "_d", "1", "id", "o-1"));
        assertThat(row.tombstone()).isTrue();
        assertThat(row.version()).isEqualTo(4);
    }

    @Test
    void valuesOverTheSizeLimitAreRefusedNamingTheColumn() {
        Order big = new Order("o-1", "Oslo", Status.NEW, BigDecimal.ONE, 1, null, Instant.EPOCH, "x".repeat(1001), 0);
        assertThatThrownBy(() -> orders.fieldPairs(Order.MODEL.values(big))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("orders.note").hasMessageContaining("KvOptions.maxValueLength");
    }

    @Test
    void compositeKeysSplitBackIntoTheirValues() {
        RowCodec<Line> lines = new RowCodec<>(Line.MODEL, 1000);
        Object[] values = Line.MODEL.values(new Line("o:1", "2", "sku", 5));
        String pk = KvKeys.primaryKey(Line.MODEL, values);
        assertThat(lines.keyValuesOf(pk)).containsExactly("o:1", "2");
        assertThat(lines.keyValues(values)).containsExactly("o:1", "2");
        assertThat(lines.keyDescription(values)).isEqualTo("[o:1, 2]");
    }

    @Test
    void aCreatesEventRowIsTheJsonOfItsFieldsWhateverTheyHold() throws Exception {
        String json = RowCodec.json(java.util.List.of("id", "o\"1", "note", "line\nbreak \\ \u00e9 \ud83d\ude00", "city", ""));
        java.util.Map<String, Object> back = io.kvframework.core.support.JsonMapper.MAPPER.readValue(json,
                new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>() { });
        assertThat(back).containsEntry("id", "o\"1").containsEntry("note", "line\nbreak \\ \u00e9 \ud83d\ude00").containsEntry("city", "")
                .hasSize(3);
        assertThat(RowCodec.json(java.util.List.of())).isEqualTo("{}");
    }

    @Test
    void theEventRowIsTheSameTextJacksonWritesForTheFields() throws Exception {
        java.util.List<String> pairs = java.util.List.of("a", "\u0000\u0001\u001f\u007f", "b\"q", "\u2028\u2029</script>", "c", "tab\there",
                "d", "\ud83d\ude00 \u00e9", "e", "");
        com.fasterxml.jackson.databind.node.ObjectNode tree = io.kvframework.core.support.JsonMapper.MAPPER.createObjectNode();
        for (int i = 0; i < pairs.size(); i += 2) {
            tree.put(pairs.get(i), pairs.get(i + 1));
        }
        assertThat(RowCodec.json(pairs)).isEqualTo(io.kvframework.core.support.JsonMapper.MAPPER.writeValueAsString(tree));
    }
}
