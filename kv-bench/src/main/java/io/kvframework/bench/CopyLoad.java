package io.kvframework.bench;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import io.kvframework.core.spi.DbRow;
import io.kvframework.sql.SqlTable;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The fastest PostgreSQL load of the drainer's work we know, as a baseline: per chunk, in one
 * transaction, {@code COPY} the rows as CSV into a temporary table, then one
 * {@code INSERT … SELECT … ON CONFLICT (key) DO UPDATE … WHERE stored.version < excluded.version}
 * (the drainer's version guard), on {@code connections} connections over disjoint halves of the rows.
 */
final class CopyLoad {
    private CopyLoad() {
    }

    /** Loads {@code rows} into {@code target} (a table like the entity's); returns rows per second. */
    static <E> double rowsPerSecond(DataSource ds, SqlTable<E> table, String target, List<DbRow> rows, int chunk, int connections)
            throws Exception {
        EntityModel<E> model = table.model();
        List<String> names = new ArrayList<>();
        model.columns().forEach(c -> names.add("\"" + c.name() + "\""));
        names.add("\"version\"");
        String cols = String.join(", ", names);
        List<String> sets = new ArrayList<>();
        for (String n : names) {
            sets.add(n + " = excluded." + n);
        }
        String key = String.join(", ", model.key().stream().map(c -> "\"" + c.name() + "\"").toList());
        String upsert = "insert into \"" + target + "\" (" + cols + ") select " + cols + " from kv_copy on conflict (" + key
                + ") do update set " + String.join(", ", sets) + " where \"" + target + "\".\"version\" < excluded.\"version\"";
        return ParallelLoad.rowsPerSecond(rows, connections, mine -> load(ds, table, target, mine, chunk, cols, upsert));
    }

    private static <E> void load(DataSource ds, SqlTable<E> table, String target, List<DbRow> rows, int chunk, String cols, String upsert)
            throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("create temp table if not exists kv_copy (like \"" + target + "\" including defaults) on commit delete rows");
            c.commit();
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (int i = 0; i < rows.size(); i += chunk) {
                StringBuilder csv = new StringBuilder();
                for (DbRow row : rows.subList(i, Math.min(rows.size(), i + chunk))) {
                    for (Column<E, ?> col : table.model().columns()) {
                        Object v = table.toSql(col, row.values()[col.position()]);
                        if (v != null) {
                            csv.append('"').append(v.toString().replace("\"", "\"\"")).append('"');
                        }
                        csv.append(',');
                    }
                    csv.append(row.version()).append('\n');
                }
                copy.copyIn("copy kv_copy (" + cols + ") from stdin (format csv)", new StringReader(csv.toString()));
                st.executeUpdate(upsert);
                c.commit();
            }
        }
    }
}
