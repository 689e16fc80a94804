package io.kvframework.sql;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import io.kvframework.core.spi.DbRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The drainer's MariaDB upsert of many rows as plain JDBC prepared statements of up to
 * {@link #rowsPerStatement()} rows (the full statement's text made once, a shorter last one's
 * when needed):
 *
 * <pre>
 * insert into `t` (`c1`, …, `version`) values (?, …), (?, …), …
 *   on duplicate key update `c2` = IF(`version` &lt; VALUES(`version`), VALUES(`c2`), `c2`), …,
 *   `version` = GREATEST(`version`, VALUES(`version`))
 * </pre>
 *
 * MariaDB applies the assignments left to right, so the version changes last. Values are bound as
 * {@link SqlTable#toSql} gives them (date-times as {@code java.time} values, which the driver sends
 * field by field). Rows must have distinct keys.
 */
final class MariaBulkUpsert {
    private static final int MAX_BIND_PARAMETERS = 60_000;

    private final SqlTable<?> table;
    private final EntityModel<?> model;
    private final int rowsPerStatement;
    private final String full;

    MariaBulkUpsert(SqlTable<?> table) {
        this.table = table;
        this.model = table.model();
        this.rowsPerStatement = Math.max(1, Math.min(500, MAX_BIND_PARAMETERS / (model.columns().size() + 1)));
        this.full = render(rowsPerStatement);
    }

    int rowsPerStatement() {
        return rowsPerStatement;
    }

    /** The statement for {@code rows} rows. */
    String sql(int rows) {
        return rows == rowsPerStatement ? full : render(rows);
    }

    private String render(int rows) {
        List<String> names = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (Column<?, ?> c : model.columns()) {
            String n = quote(c.name());
            names.add(n);
            if (!model.key().contains(c)) {
                sets.add(n + " = IF(`version` < VALUES(`version`), VALUES(" + n + "), " + n + ")");
            }
        }
        sets.add("`version` = GREATEST(`version`, VALUES(`version`))");
        String row = "(" + String.join(", ", Collections.nCopies(names.size() + 1, "?")) + ")";
        return "insert into " + quote(model.table()) + " (" + String.join(", ", names) + ", `version`) values "
                + String.join(", ", Collections.nCopies(rows, row)) + " on duplicate key update " + String.join(", ", sets);
    }

    /** Upserts {@code rows} in statements of up to {@link #rowsPerStatement()} rows. */
    void execute(Connection connection, List<DbRow> rows) throws SQLException {
        for (int from = 0; from < rows.size(); from += rowsPerStatement) {
            List<DbRow> part = rows.subList(from, Math.min(rows.size(), from + rowsPerStatement));
            try (PreparedStatement ps = connection.prepareStatement(sql(part.size()))) {
                int p = 1;
                for (DbRow r : part) {
                    for (Column<?, ?> c : model.columns()) {
                        ps.setObject(p++, table.toSql(c, r.values()[c.position()]));
                    }
                    ps.setLong(p++, r.version());
                }
                ps.executeUpdate();
            }
        }
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
