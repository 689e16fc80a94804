package io.kvframework.analytics;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import java.util.ArrayList;
import java.util.List;

/**
 * ClickHouse DDL generated from an entity model: a {@code ReplacingMergeTree(version)} table ordered
 * by the primary key, with {@code is_deleted} and {@code ingested_at}. Types work on ClickHouse
 * 18.16 (Debian) and current releases: decimals, instants, date-times, byte arrays, enums and JSON
 * are kept as their canonical strings.
 */
public final class ClickHouseDdl {
    private ClickHouseDdl() {
    }

    /** The ClickHouse type of a column. */
    public static String type(Column<?, ?> c) {
        String base = switch (c.type()) {
            case INT -> "Int32";
            case LONG -> "Int64";
            case SHORT -> "Int16";
            case BOOLEAN -> "UInt8";
            case DOUBLE -> "Float64";
            case UUID -> "UUID";
            case LOCAL_DATE -> "Date";
            default -> "String";
        };
        return c.nullable() ? "Nullable(" + base + ")" : base;
    }

    /** CREATE TABLE IF NOT EXISTS {@code database.table}. */
    public static String createTable(EntityModel<?> model, String database) {
        List<String> cols = new ArrayList<>();
        for (Column<?, ?> c : model.columns()) {
            cols.add("`" + c.name() + "` " + type(c));
        }
        cols.add("`version` UInt64");
        cols.add("`is_deleted` UInt8");
        cols.add("`ingested_at` DateTime");
        List<String> key = model.key().stream().map(c -> "`" + c.name() + "`").toList();
        return "CREATE TABLE IF NOT EXISTS `" + database + "`.`" + model.table() + "` (" + String.join(", ", cols)
                + ") ENGINE = ReplacingMergeTree(version) ORDER BY (" + String.join(", ", key) + ")";
    }

    /**
     * The ClickHouse-native alternative to {@link ClickHouseSink}: a Kafka engine table reading the
     * bridge's topic as raw JSON lines and a materialized view that fills the table. Generated for
     * operators who prefer ClickHouse to pull from Kafka; the sink is the tested path.
     */
    public static List<String> kafkaEngine(EntityModel<?> model, String database, String brokers, String topic, String group) {
        String queue = "`" + database + "`.`" + model.table() + "_queue`";
        List<String> fields = new ArrayList<>();
        for (Column<?, ?> c : model.columns()) {
            String path = "visitParamExtractRaw(if(op = 'd', before, after), '" + c.name() + "')";
            fields.add("CAST(if(" + path + " = '', NULL, JSONExtractString(if(op = 'd', before, after), '" + c.name() + "')) AS "
                    + type(c) + ") AS `" + c.name() + "`");
        }
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + queue + " (op String, version UInt64, before String, after String)"
                        + " ENGINE = Kafka SETTINGS kafka_broker_list = '" + brokers + "', kafka_topic_list = '" + topic
                        + "', kafka_group_name = '" + group + "', kafka_format = 'JSONEachRow'",
                "CREATE MATERIALIZED VIEW IF NOT EXISTS `" + database + "`.`" + model.table() + "_mv` TO `" + database + "`.`"
                        + model.table() + "` AS SELECT " + String.join(", ", fields)
                        + ", version, op = 'd' AS is_deleted, now() AS ingested_at FROM " + queue);
    }
}
