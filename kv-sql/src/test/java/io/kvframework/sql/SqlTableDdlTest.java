package io.kvframework.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.SqlDialect;
import io.kvframework.core.fixtures.Everything;
import java.util.List;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** The DDL each dialect gets is derived from the model: unbounded text, indexed strings with a length, exact decimals. */
class SqlTableDdlTest {

    private static String ddl(SqlDialect dialect) {
        List<String> sql = new SqlTable<>(Everything.MODEL, dialect).createTable(DSL.using(SqlDatabase.jooq(dialect))).stream()
                .map(q -> q.getSQL()).toList();
        return sql.get(0);
    }

    @Test
    void postgresTypesFollowTheModel() {
        assertThat(ddl(SqlDialect.POSTGRES)).contains("\"id\" uuid not null", "\"s\" text,", "\"dec\" numeric,",
                "\"at\" timestamp(6) with time zone", "\"date_time\" timestamp(6),", "\"kind\" varchar(255)", "\"bytes\" bytea",
                "\"json\" jsonb", "\"version\" bigint not null", "primary key (\"id\")");
    }

    @Test
    void mariadbTypesFollowTheModel() {
        assertThat(ddl(SqlDialect.MARIADB)).contains("`id` char(36) collate ascii_bin not null", "`s` longtext collate utf8mb4_nopad_bin",
                "`dec` decimal(65, 30)", "`at` datetime(6)", "`kind` varchar(255) collate utf8mb4_nopad_bin", "`bytes` longblob",
                "default charset = utf8mb4 collate = utf8mb4_nopad_bin");
        // MariaDB's TIMESTAMP ends in 2038 and converts through the session zone: never used
        assertThat(ddl(SqlDialect.MARIADB)).doesNotContain("timestamp");
    }
}
