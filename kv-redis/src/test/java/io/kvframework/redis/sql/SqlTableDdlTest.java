package io.kvframework.redis.sql;

import io.kvframework.redis.Everything;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

class SqlTableDdlTest {
    @Test
    void print() {
        for (SqlDialect d : SqlDialect.values()) {
            var t = new SqlTable<>(Everything.MODEL, d);
            t.createTable(DSL.using(d.jooq())).forEach(q -> System.out.println(q.getSQL()));
        }
    }
}
