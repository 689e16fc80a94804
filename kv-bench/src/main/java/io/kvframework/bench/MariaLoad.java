package io.kvframework.bench;

import io.kvframework.core.Column;
import io.kvframework.core.spi.DbRow;
import io.kvframework.sql.SqlTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The fastest MariaDB load of the drainer's work we know, as a baseline: prepared multi-row
 * {@code INSERT … ON DUPLICATE KEY UPDATE col = IF(version < VALUES(version), VALUES(col), col), …,
 * version = GREATEST(…)} (the drainer's version guard) of {@code perStatement} rows, one transaction
 * per {@code chunk} rows, on {@code connections} connections over disjoint parts of the rows.
 */
final class MariaLoad {
    private MariaLoad() {
    }

    /** Loads {@code rows} into {@code target} (a table like the entity's); returns rows per second. */
    static <E> double rowsPerSecond(DataSource ds, SqlTable<E> table, String target, List<DbRow> rows, int chunk, int perStatement,
            int connections) throws Exception {
        return ParallelLoad.rowsPerSecond(rows, connections, mine -> load(ds, table, target, mine, chunk, perStatement));
    }

    static <E> String upsert(SqlTable<E> table, String target, int rowCount) {
        List<String> names = new ArrayList<>();
        table.model().columns().forEach(c -> names.add("`" + c.name() + "`"));
        String row = "(" + String.join(", ", java.util.Collections.nCopies(names.size() + 1, "?")) + ")";
        List<String> sets = new ArrayList<>();
        for (Column<E, ?> c : table.model().columns()) {
            if (!table.model().key().contains(c)) {
                String n = "`" + c.name() + "`";
                sets.add(n + " = IF(`version` < VALUES(`version`), VALUES(" + n + "), " + n + ")");
            }
        }
        sets.add("`version` = GREATEST(`version`, VALUES(`version`))");
        return "insert into `" + target + "` (" + String.join(", ", names) + ", `version`) values "
                + String.join(", ", java.util.Collections.nCopies(rowCount, row)) + " on duplicate key update " + String.join(", ", sets);
    }

    private static <E> void load(DataSource ds, SqlTable<E> table, String target, List<DbRow> rows, int chunk, int perStatement)
            throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            PreparedStatement full = c.prepareStatement(upsert(table, target, perStatement));
            for (int i = 0; i < rows.size(); i += chunk) {
                List<DbRow> part = rows.subList(i, Math.min(rows.size(), i + chunk));
                for (int j = 0; j < part.size(); j += perStatement) {
                    List<DbRow> statement = part.subList(j, Math.min(part.size(), j + perStatement));
                    PreparedStatement ps = statement.size() == perStatement ? full : c.prepareStatement(upsert(table, target, statement.size()));
                    int p = 1;
                    for (DbRow r : statement) {
                        for (Column<E, ?> col : table.model().columns()) {
                            ps.setObject(p++, table.toSql(col, r.values()[col.position()]));
                        }
                        ps.setLong(p++, r.version());
                    }
                    ps.executeUpdate();
                    if (ps != full) {
                        ps.close();
                    }
                }
                c.commit();
            }
            full.close();
        }
    }
}
