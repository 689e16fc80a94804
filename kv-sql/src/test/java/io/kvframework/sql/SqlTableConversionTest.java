package io.kvframework.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.Column;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.fixtures.Everything;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.JSONB;
import org.junit.jupiter.api.Test;

/** How model values become JDBC values and back, per dialect, without a database. */
class SqlTableConversionTest {
    private final SqlTable<Everything> pg = new SqlTable<>(Everything.MODEL, SqlDialect.POSTGRES);
    private final SqlTable<Everything> maria = new SqlTable<>(Everything.MODEL, SqlDialect.MARIADB);

    private static Column<?, ?> column(String name) {
        return Everything.MODEL.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void instantsAreUtcInBothDialects() {
        Instant at = Instant.parse("2026-03-29T02:30:00.123456789Z");
        assertThat(pg.toSql(column("at"), at)).isEqualTo(OffsetDateTime.parse("2026-03-29T02:30:00.123456Z"));
        assertThat(maria.toSql(column("at"), at)).isEqualTo(LocalDateTime.parse("2026-03-29T02:30:00.123456"));
        assertThat(maria.fromSql(column("at"), "2026-03-29 02:30:00.123456")).isEqualTo(Instant.parse("2026-03-29T02:30:00.123456Z"));
        assertThat(pg.fromSql(column("at"), OffsetDateTime.of(2026, 3, 29, 4, 30, 0, 0, ZoneOffset.ofHours(2))))
                .isEqualTo(Instant.parse("2026-03-29T02:30:00Z"));
    }

    @Test
    void dateTimesAreReadAsTheServerPrintsThem() {
        assertThat(maria.fromSql(column("date_time"), "2026-03-29 02:30:00.000000")).isEqualTo(LocalDateTime.parse("2026-03-29T02:30"));
        assertThat(pg.fromSql(column("date_time"), LocalDateTime.parse("1582-10-10T00:00"))).isEqualTo(LocalDateTime.parse("1582-10-10T00:00"));
    }

    @Test
    void decimalsComeBackInTheirCanonicalForm() {
        // MariaDB's decimal(65,30) pads the scale; the model keeps no trailing zeros for an undeclared decimal
        assertThat(maria.fromSql(column("dec"), new BigDecimal("1.500000000000000000000000000000"))).isEqualTo(new BigDecimal("1.5"));
        assertThat(pg.fromSql(column("dec"), "1E+3")).isEqualTo(new BigDecimal("1000"));
        assertThat(pg.toSql(column("dec"), new BigDecimal("2.50"))).isEqualTo(new BigDecimal("2.5"));
    }

    @Test
    void otherTypesPerDialect() {
        UUID id = UUID.fromString("0b6f2a6e-61c6-4b3e-9d0a-1c1b6c1e5f00");
        assertThat(pg.toSql(column("id"), id)).isEqualTo(id);
        assertThat(maria.toSql(column("id"), id)).isEqualTo(id.toString());
        assertThat(maria.fromSql(column("id"), id + "  ")).isEqualTo(id);
        assertThat(maria.fromSql(column("b"), 1)).isEqualTo(true);
        assertThat(maria.fromSql(column("b"), 0)).isEqualTo(false);
        assertThat(pg.fromSql(column("l"), 7)).isEqualTo(7L);
        assertThat(pg.fromSql(column("sh"), 7L)).isEqualTo((short) 7);
        assertThat(pg.toSql(column("kind"), Everything.Kind.values()[0])).isEqualTo(Everything.Kind.values()[0].name());
        assertThat(pg.toSql(column("json"), null)).isNull();
        Object json = pg.toSql(column("json"), Everything.MODEL.columns().stream().filter(c -> c.name().equals("json")).findFirst()
                .orElseThrow().decode("{}"));
        assertThat(json).isInstanceOf(JSONB.class);
    }
}
