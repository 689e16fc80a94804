package io.kvframework.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.SqlDialect;
import io.kvframework.core.fixtures.Everything;
import io.kvframework.core.fixtures.Order;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** The by-key read of a cache miss is rendered once per table, with one placeholder per key column. */
class KeyLookupTest {

    private static String sql(SqlDialect dialect, io.kvframework.core.EntityModel<?> model) {
        return lookup(dialect, model).sql();
    }

    private static <E> KeyLookup<E> lookup(SqlDialect dialect, io.kvframework.core.EntityModel<E> model) {
        return new KeyLookup<>(new SqlTable<>(model, dialect), DSL.using(SqlDatabase.jooq(dialect)), null);
    }

    @Test
    void postgresSelectsEveryColumnAndTheVersionByTheKey() {
        String sql = sql(SqlDialect.POSTGRES, Order.MODEL);
        assertThat(sql).isEqualTo("select \"id\", \"city\", \"status\", \"total\", \"qty\", \"email\", \"created_at\", \"note\", \"version\""
                + " from \"orders\" where \"id\" = ?");
        assertThat(sql.chars().filter(ch -> ch == '?').count()).isEqualTo(1);
    }

    @Test
    void mariadbReadsDateTimesAsTheTextTheServerPrints() {
        String sql = sql(SqlDialect.MARIADB, Everything.MODEL);
        assertThat(sql).contains("cast(`at` as char) as `at`", "cast(`date_time` as char) as `date_time`")
                .endsWith("from `everything` where `id` = ?");
        assertThat(sql.chars().filter(ch -> ch == '?').count()).isEqualTo(1);
    }
}
