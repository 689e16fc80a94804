package io.kvframework.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.Column;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.fixtures.Everything;
import io.kvframework.core.fixtures.Order;
import org.junit.jupiter.api.Test;

/**
 * The start-up schema check, rule by rule, from {@code information_schema.columns} values: a
 * column passes only when it holds every value the model accepts, exactly.
 */
class SqlColumnTypeTest {

    private static SqlColumnType pg(Column<?, ?> c) {
        return SqlColumnType.of(c, SqlDialect.POSTGRES);
    }

    private static SqlColumnType maria(Column<?, ?> c) {
        return SqlColumnType.of(c, SqlDialect.MARIADB);
    }

    private static Column<?, ?> column(String name) {
        return Order.MODEL.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void keysAndIndexedStringsNeedTheirLength() {
        assertThat(pg(column("id")).problem("character varying", 200L, null, null, null, false, null)).isNull();
        assertThat(pg(column("id")).problem("character varying", 255L, null, null, null, false, null)).isNull();
        assertThat(pg(column("id")).problem("character varying", 50L, null, null, null, false, null)).contains("id: too short");
        assertThat(pg(column("id")).problem("text", null, null, null, null, false, null)).as("an index needs a bounded type")
                .contains("wrong type");
        assertThat(pg(column("city")).problem("character varying", 255L, null, null, null, true, null)).isNull();
    }

    @Test
    void unboundedStringsMustNotBeBounded() {
        assertThat(pg(column("note")).problem("text", null, null, null, null, true, null)).isNull();
        assertThat(pg(column("note")).problem("character varying", 255L, null, null, null, true, null)).contains("note: wrong type");
        assertThat(maria(column("note")).problem("longtext", 4294967295L, null, null, null, true, "utf8mb4_nopad_bin")).isNull();
    }

    @Test
    void mariadbStringsNeedABinaryNoPadCollation() {
        assertThat(maria(column("id")).problem("varchar", 200L, null, null, null, false, "utf8mb4_nopad_bin")).isNull();
        assertThat(maria(column("id")).problem("varchar", 200L, null, null, null, false, "utf8mb4_general_ci"))
                .contains("needs collation utf8mb4_nopad_bin");
        assertThat(maria(column("id")).problem("varchar", 200L, null, null, null, false, "utf8mb4_bin")).as("pads spaces: 'a' = 'a '")
                .contains("needs collation");
    }

    @Test
    void decimalsNeedTheirPrecisionAndScale() {
        assertThat(pg(column("total")).problem("numeric", null, 12, 2, null, true, null)).isNull();
        assertThat(pg(column("total")).problem("numeric", null, null, null, null, true, null)).as("unconstrained numeric holds all")
                .isNull();
        assertThat(pg(column("total")).problem("numeric", null, 12, 1, null, true, null)).contains("cannot hold every value exactly");
        assertThat(maria(column("total")).problem("decimal", null, 10, 2, null, true, null)).contains("cannot hold every value exactly");
        Column<?, ?> undeclared = Everything.MODEL.columns().stream().filter(c -> c.name().equals("dec")).findFirst().orElseThrow();
        assertThat(pg(undeclared).problem("numeric", null, 38, 10, null, true, null)).as("numeric(38,10) rounds to 10 decimals")
                .contains("cannot hold every value exactly");
        assertThat(maria(undeclared).problem("decimal", null, 65, 30, null, true, null)).isNull();
    }

    @Test
    void timesNeedMicrosecondsAndTheRightKind() {
        assertThat(pg(column("created_at")).problem("timestamp with time zone", null, null, null, 6, true, null)).isNull();
        assertThat(pg(column("created_at")).problem("timestamp without time zone", null, null, null, 6, true, null)).contains("wrong type");
        assertThat(pg(column("created_at")).problem("timestamp with time zone", null, null, null, 0, true, null))
                .contains("cannot hold every value exactly");
        assertThat(maria(column("created_at")).problem("timestamp", null, null, null, 6, true, null)).as("MariaDB TIMESTAMP ends in 2038")
                .contains("wrong type");
    }

    @Test
    void aNotNullColumnForANullableValueIsRefusedAndTheReverseIsFine() {
        assertThat(pg(column("note")).problem("text", null, null, null, null, false, null)).contains("is NOT NULL but the model allows null");
        assertThat(pg(column("qty")).problem("integer", null, 32, 0, null, true, null)).isNull();
        assertThat(pg(column("qty")).problem("smallint", null, 16, 0, null, false, null)).contains("qty: wrong type");
    }
}
