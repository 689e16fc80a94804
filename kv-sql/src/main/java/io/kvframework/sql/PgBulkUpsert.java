package io.kvframework.sql;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import io.kvframework.core.spi.DbRow;
import io.kvframework.core.support.IsoDateTimes;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The drainer's PostgreSQL upsert of many rows in one prepared statement whose text never changes:
 * one array parameter per column, {@code unnest}ed into rows, each cast to its column's type, and
 * the version guard and the applied-deletes check in the statement itself:
 *
 * <pre>
 * insert into "t" ("c1", …, "version")
 *   select u."c1"::type1, …, u."version" from unnest(?::text[], …, ?::int8[], ?::text[]) as u("c1", …, "version", "key_hash")
 *   where not exists (select 1 from "kv_drainer_tombstones" d where d."namespace" = ? and d."table_name" = ?
 *                     and d."key_hash" = u."key_hash" and d."version" >= u."version")
 * on conflict ("k") do update set "c2" = excluded."c2", …, "version" = excluded."version"
 *   where "t"."version" &lt; excluded."version"
 * </pre>
 *
 * <p>Values travel as text in PostgreSQL's own input forms (date-times with six fraction digits and
 * an explicit {@code +00}, {@code bytea} as {@code \x} hex, doubles in Java's shortest exact form,
 * decimals without exponent), so that the statement is parsed and planned once per connection
 * whatever the number of rows, and a row's values reach the table exactly as a bound insert stores
 * them. Rows must have distinct keys.
 */
final class PgBulkUpsert {
    private static final HexFormat HEX = HexFormat.of();

    private final EntityModel<?> model;
    private final String sql;

    PgBulkUpsert(SqlTable<?> table) {
        this.model = table.model();
        String t = quote(model.table());
        List<String> names = new ArrayList<>();
        List<String> casts = new ArrayList<>();
        List<String> params = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (Column<?, ?> c : model.columns()) {
            String n = quote(c.name());
            names.add(n);
            casts.add("u." + n + "::" + castType(c));
            params.add("?::text[]");
            if (!model.key().contains(c)) {
                sets.add(n + " = excluded." + n);
            }
        }
        String version = quote(SqlTable.VERSION);
        sets.add(version + " = excluded." + version);
        String key = String.join(", ", model.key().stream().map(c -> quote(c.name())).toList());
        this.sql = "insert into " + t + " (" + String.join(", ", names) + ", " + version + ") select " + String.join(", ", casts) + ", u."
                + version + " from unnest(" + String.join(", ", params) + ", ?::int8[], ?::text[]) as u(" + String.join(", ", names) + ", "
                + version + ", \"key_hash\") where not exists (select 1 from " + quote(Tombstones.TABLE) + " d where d.\"namespace\" = ?"
                + " and d.\"table_name\" = ? and d.\"key_hash\" = u.\"key_hash\" and d.\"version\" >= u." + version + ") on conflict (" + key
                + ") do update set " + String.join(", ", sets) + " where " + t + "." + version + " < excluded." + version;
    }

    /** The statement's text. */
    String sql() {
        return sql;
    }

    /**
     * Upserts {@code rows} ({@code keyHashes.get(i)} is {@link Tombstones#keyHash} of row i's key)
     * of key namespace {@code namespace}; returns the rows inserted or updated.
     */
    int execute(Connection connection, String namespace, List<DbRow> rows, List<String> keyHashes) throws SQLException {
        int columns = model.columns().size();
        String[][] text = new String[columns][rows.size()];
        Long[] versions = new Long[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            Object[] values = rows.get(r).values();
            for (int i = 0; i < columns; i++) {
                text[i][r] = text(model.columns().get(i), values[i]);
            }
            versions[r] = rows.get(r).version();
        }
        List<Array> arrays = new ArrayList<>(columns + 2);
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            int p = 1;
            for (String[] column : text) {
                arrays.add(connection.createArrayOf("text", column));
                st.setArray(p++, arrays.get(arrays.size() - 1));
            }
            arrays.add(connection.createArrayOf("int8", versions));
            st.setArray(p++, arrays.get(arrays.size() - 1));
            arrays.add(connection.createArrayOf("text", keyHashes.toArray(String[]::new)));
            st.setArray(p++, arrays.get(arrays.size() - 1));
            st.setString(p++, namespace);
            st.setString(p, model.table());
            return st.executeUpdate();
        } finally {
            for (Array a : arrays) {
                a.free();
            }
        }
    }

    /** The PostgreSQL type a column's text is cast to; the insert then assigns it to the column (lengths are checked there). */
    static String castType(Column<?, ?> c) {
        return switch (c.type()) {
            case STRING, ENUM -> "text";
            case INT -> "int4";
            case LONG -> "int8";
            case SHORT -> "int2";
            case BOOLEAN -> "bool";
            case DOUBLE -> "float8";
            case DECIMAL -> "numeric";
            case UUID -> "uuid";
            case INSTANT -> "timestamptz";
            case LOCAL_DATE -> "date";
            case LOCAL_DATE_TIME -> "timestamp";
            case BYTES -> "bytea";
            case JSON -> "jsonb";
        };
    }

    /** A column value in PostgreSQL's input form for {@link #castType}, or null. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static String text(Column<?, ?> c, Object value) {
        if (value == null) {
            return null;
        }
        return switch (c.type()) {
            case ENUM -> ((Enum<?>) value).name();
            // Java's shortest form that reads back as the same double (NaN, Infinity and -Infinity are PostgreSQL's words too)
            case DOUBLE -> Double.toString((Double) value);
            case DECIMAL -> ((BigDecimal) ((Column) c).normalize(value)).toPlainString();
            case INSTANT -> IsoDateTimes.sqlText((Instant) value) + "+00";
            case LOCAL_DATE_TIME -> IsoDateTimes.sqlText((LocalDateTime) value);
            case LOCAL_DATE -> ((LocalDate) value).toString();
            case BYTES -> "\\x" + HEX.formatHex((byte[]) value);
            case JSON -> ((Column) c).encode(value);
            default -> value.toString();
        };
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
