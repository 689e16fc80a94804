package io.kvframework.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Kafka record format and the ClickHouse DDL, without a server. */
class EnvelopeAndDdlTest {

    @Test
    void anEnvelopeRoundTripsWithTheRowAfterOrBefore() {
        ChangeEvent update = new ChangeEvent("trades", ChangeEvent.Op.UPDATE, "t-1", 4, 1_700_000_000_123L, Map.of("id", "t-1", "qty", "7"));
        String json = new String(ChangeEnvelope.toJson(update), StandardCharsets.UTF_8);
        assertThat(json).contains("\"op\":\"u\"", "\"before\":null", "\"after\":{", "\"ts_ms\":1700000000123");
        assertThat(ChangeEnvelope.fromJson(ChangeEnvelope.toJson(update))).isEqualTo(update);
        ChangeEvent delete = new ChangeEvent("trades", ChangeEvent.Op.DELETE, "t-1", 5, 1L, Map.of("id", "t-1"));
        assertThat(new String(ChangeEnvelope.toJson(delete), StandardCharsets.UTF_8)).contains("\"after\":null", "\"before\":{");
        assertThat(ChangeEnvelope.fromJson(ChangeEnvelope.toJson(delete))).isEqualTo(delete);
    }

    @Test
    void theEnvelopeCopiesTheRowTextAndSaysWhatJacksonsTreeSays() throws Exception {
        // a stream entry's row as write.lua's cjson writes it ("\/" for "/") and as the client writes it
        for (String row : new String[] {"{\"id\":\"t\\/1\",\"note\":\"\u00e9 \\\" \\u0001\"}", "{\"id\":\"t-1\"}", "{}"}) {
            for (String op : new String[] {"c", "u", "d"}) {
                ChangeEvent read = ChangeEvent.fromStreamEntry(Map.of("table", "trades", "op", op, "key", "t%2F\"1", "version", "2",
                        "ts", "5", "row", row));
                byte[] copied = ChangeEnvelope.toJson(read);
                assertThat(new String(copied, StandardCharsets.UTF_8)).contains(row);
                assertThat(io.kvframework.core.support.JsonMapper.MAPPER.readTree(copied))
                        .isEqualTo(io.kvframework.core.support.JsonMapper.MAPPER.readTree(ChangeEnvelope.toJsonTree(read)));
                assertThat(ChangeEnvelope.fromJson(copied)).isEqualTo(read);
            }
        }
    }

    @Test
    void whatIsNotAnEnvelopeIsRefused() {
        assertThatThrownBy(() -> ChangeEnvelope.fromJson("[1]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("not a KV change envelope");
        assertThatThrownBy(() -> ChangeEnvelope.fromJson("{".getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void ddlIsGeneratedFromTheModel() {
        assertThat(ClickHouseDdl.createTable(Trade.MODEL, "analytics")).isEqualTo("CREATE TABLE IF NOT EXISTS `analytics`.`trades`"
                + " (`id` String, `desk` Nullable(String), `qty` Int64, `version` UInt64, `is_deleted` UInt8, `ingested_at` DateTime)"
                + " ENGINE = ReplacingMergeTree(version) ORDER BY (`id`)");
        assertThat(ClickHouseDdl.kafkaEngine(Trade.MODEL, "analytics", "kafka:9092", "kv.trades", "g"))
                .hasSize(2).allSatisfy(sql -> assertThat(sql).contains("analytics"));
    }
}
