package io.kvframework.sql;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.spi.DbRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The read of one row by primary key, the path of every cache miss: its SQL is rendered once per
 * table (jOOQ, with {@code ?} for the key values) and run as a plain JDBC prepared statement, so
 * that a miss costs no query building and the driver can keep the statement prepared. Values are
 * read the way {@link SqlTable} reads them (MariaDB date-times as the text the server prints).
 */
final class KeyLookup<E> {
    private final SqlTable<E> table;
    private final EntityModel<E> model;
    private final DataSource dataSource;
    private final String sql;

    KeyLookup(SqlTable<E> table, DSLContext dsl, DataSource dataSource) {
        this.table = table;
        this.model = table.model();
        this.dataSource = dataSource;
        org.jooq.Condition where = DSL.noCondition();
        for (Column<E, ?> k : model.key()) {
            where = where.and(table.field(k).eq(DSL.val(null, table.field(k).getDataType())));
        }
        this.sql = dsl.render(dsl.select(table.selectFields()).from(table.table()).where(where));
    }

    /** The SQL run for each lookup. */
    String sql() {
        return sql;
    }

    /** The row with this primary key (key column values in key order), if the database holds it. */
    Optional<DbRow> find(Object[] key) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < key.length; i++) {
                ps.setObject(i + 1, table.toSql(model.key().get(i), key[i]));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw DatabaseCall.failure(model.table(), e.getSQLState(), e, "reading " + model.table() + " by key");
        }
    }

    private DbRow row(ResultSet rs) throws SQLException {
        Object[] values = new Object[model.columns().size()];
        boolean pg = table.dialect() == SqlDialect.POSTGRES;
        for (int i = 0; i < values.length; i++) {
            Column<E, ?> c = model.columns().get(i);
            int index = i + 1;
            Object raw = switch (c.type()) {
                case LOCAL_DATE -> {
                    String text = rs.getString(index);
                    yield text == null ? null : LocalDate.parse(text);
                }
                case LOCAL_DATE_TIME -> rs.getString(index);
                case INSTANT -> pg ? rs.getObject(index, OffsetDateTime.class) : rs.getString(index);
                case BYTES -> rs.getBytes(index);
                case JSON, STRING, ENUM -> rs.getString(index);
                case DECIMAL -> rs.getBigDecimal(index);
                default -> rs.getObject(index);
            };
            values[i] = table.fromSql(c, raw);
        }
        long version = rs.getLong(values.length + 1);
        return new DbRow(values, version);
    }
}
