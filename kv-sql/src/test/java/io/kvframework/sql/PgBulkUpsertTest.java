package io.kvframework.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.Column;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.fixtures.Everything;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The PostgreSQL input forms the bulk upsert sends, and its statement, without a database (RoundTripCorpusIT drains them). */
class PgBulkUpsertTest {
    private static Column<?, ?> column(String name) {
        return Everything.MODEL.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void dateTimesHaveSixFractionDigitsAndInstantsAnExplicitUtcOffset() {
        assertThat(PgBulkUpsert.text(column("at"), Instant.parse("1000-01-01T00:00:00Z"))).isEqualTo("1000-01-01 00:00:00.000000+00");
        assertThat(PgBulkUpsert.text(column("at"), Instant.parse("9999-12-31T23:59:59.999999Z"))).isEqualTo("9999-12-31 23:59:59.999999+00");
        assertThat(PgBulkUpsert.text(column("date_time"), LocalDateTime.parse("2026-03-29T02:30"))).isEqualTo("2026-03-29 02:30:00.000000");
        assertThat(PgBulkUpsert.text(column("date"), LocalDate.parse("1582-10-10"))).isEqualTo("1582-10-10");
    }

    @Test
    void numbersReadBackAsTheSameValue() {
        assertThat(PgBulkUpsert.text(column("d"), Double.MIN_VALUE)).isEqualTo("4.9E-324");
        assertThat(Double.parseDouble(PgBulkUpsert.text(column("d"), 0.1 + 0.2))).isEqualTo(0.1 + 0.2);
        assertThat(PgBulkUpsert.text(column("d"), Double.NaN)).isEqualTo("NaN");
        assertThat(PgBulkUpsert.text(column("d"), Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(PgBulkUpsert.text(column("d"), -0.0)).isEqualTo("-0.0");
        // decimals without an exponent (PostgreSQL would keep it as scale 0 anyway)
        assertThat(PgBulkUpsert.text(column("dec"), new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(PgBulkUpsert.text(column("dec"), new BigDecimal("-12.345"))).isEqualTo("-12.345");
        assertThat(PgBulkUpsert.text(column("sh"), Short.MIN_VALUE)).isEqualTo("-32768");
        assertThat(PgBulkUpsert.text(column("l"), Long.MAX_VALUE)).isEqualTo("9223372036854775807");
    }

    @Test
    void bytesAreHexAndOtherValuesTheirPlainText() {
        assertThat(PgBulkUpsert.text(column("bytes"), new byte[] {0, (byte) 0xff, 0x5c})).isEqualTo("\\x00ff5c");
        assertThat(PgBulkUpsert.text(column("bytes"), new byte[0])).isEqualTo("\\x");
        assertThat(PgBulkUpsert.text(column("kind"), Everything.Kind.values()[0])).isEqualTo(Everything.Kind.values()[0].name());
        UUID id = UUID.randomUUID();
        assertThat(PgBulkUpsert.text(column("id"), id)).isEqualTo(id.toString());
        assertThat(PgBulkUpsert.text(column("s"), "{\"quoted\", NULL}")).isEqualTo("{\"quoted\", NULL}");
        assertThat(PgBulkUpsert.text(column("b"), true)).isEqualTo("true");
        assertThat(PgBulkUpsert.text(column("s"), null)).isNull();
    }

    @Test
    void theStatementCastsEachColumnAndGuardsVersionsAndDeletes() {
        String sql = new PgBulkUpsert(new SqlTable<>(Everything.MODEL, SqlDialect.POSTGRES)).sql();
        assertThat(sql).startsWith("insert into \"everything\" (\"id\", \"s\", \"i\", ")
                .contains("u.\"id\"::uuid", "u.\"at\"::timestamptz", "u.\"bytes\"::bytea", "u.\"json\"::jsonb", "u.\"dec\"::numeric")
                .contains("from unnest(?::text[], ", "?::int8[], ?::text[]) as u(")
                .contains("not exists (select 1 from \"kv_drainer_tombstones\" d", "d.\"version\" >= u.\"version\"")
                .contains("on conflict (\"id\") do update set \"s\" = excluded.\"s\"")
                .endsWith("where \"everything\".\"version\" < excluded.\"version\"")
                .doesNotContain("\"id\" = excluded.\"id\"");
        assertThat(sql.chars().filter(ch -> ch == '?').count()).isEqualTo(Everything.MODEL.columns().size() + 4);
    }
}
