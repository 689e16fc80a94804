package io.kvframework.sql;

import io.kvframework.core.Column;
import io.kvframework.core.SqlDialect;
import java.util.Locale;
import java.util.Set;

/**
 * The database type of one entity column in one dialect, derived from the entity model alone. It
 * renders the column's DDL and judges whether an existing column (as {@code information_schema}
 * describes it) can hold every value the model accepts, exactly as written.
 *
 * <table>
 * <caption>Column types</caption>
 * <tr><th>model</th><th>PostgreSQL</th><th>MariaDB</th></tr>
 * <tr><td>String/enum in a key or index</td><td>{@code varchar(n)}, n = maxLength (255 by default)</td>
 * <td>{@code varchar(n) collate utf8mb4_nopad_bin}</td></tr>
 * <tr><td>other String</td><td>{@code varchar(n)} with maxLength, else {@code text}</td>
 * <td>{@code longtext collate utf8mb4_nopad_bin}</td></tr>
 * <tr><td>BigDecimal</td><td>{@code numeric(p,s)} as declared, else {@code numeric}</td>
 * <td>{@code decimal(p,s)} as declared, else {@code decimal(65,30)}</td></tr>
 * <tr><td>Instant</td><td>{@code timestamp(6) with time zone}</td><td>{@code datetime(6)} (UTC)</td></tr>
 * <tr><td>LocalDateTime</td><td>{@code timestamp(6)}</td><td>{@code datetime(6)}</td></tr>
 * <tr><td>byte[]</td><td>{@code bytea}</td><td>{@code longblob}</td></tr>
 * <tr><td>JSON</td><td>{@code jsonb}</td><td>{@code longtext collate utf8mb4_nopad_bin}</td></tr>
 * <tr><td>UUID</td><td>{@code uuid}</td><td>{@code char(36) collate ascii_bin}</td></tr>
 * </table>
 *
 * <p>MariaDB strings are binary and do not pad, so that, as in Redis, {@code "a"}, {@code "A"} and
 * {@code "a "} are three different keys, and 4-byte characters are stored.
 */
public final class SqlColumnType {
    /** The collation of every MariaDB string column. */
    public static final String MARIADB_COLLATION = "utf8mb4_nopad_bin";

    private final Column<?, ?> column;
    private final SqlDialect dialect;
    private final String sql;

    private SqlColumnType(Column<?, ?> column, SqlDialect dialect) {
        this.column = column;
        this.dialect = dialect;
        this.sql = render();
    }

    /** The type of {@code column} in {@code dialect}. */
    public static SqlColumnType of(Column<?, ?> column, SqlDialect dialect) {
        return new SqlColumnType(column, dialect);
    }

    /** The column's type as DDL, with collation and {@code not null} where they apply. */
    public String sql() {
        return sql;
    }

    private boolean pg() {
        return dialect == SqlDialect.POSTGRES;
    }

    private boolean varchar() {
        return column.indexed() || pg() && column.maxLength() > 0;
    }

    private String render() {
        String type = switch (column.type()) {
            case STRING, ENUM -> varchar() ? "varchar(" + column.maxLength() + ")" : pg() ? "text" : "longtext";
            case INT -> pg() ? "integer" : "int";
            case LONG -> "bigint";
            case SHORT -> "smallint";
            case BOOLEAN -> "boolean";
            case DOUBLE -> pg() ? "double precision" : "double";
            case DECIMAL -> column.precision() > 0 ? "numeric(" + column.precision() + ", " + column.scale() + ")"
                    : pg() ? "numeric" : "decimal(" + Column.MAX_PRECISION + ", " + Column.MAX_SCALE + ")";
            case UUID -> pg() ? "uuid" : "char(36) collate ascii_bin";
            case INSTANT -> pg() ? "timestamp(6) with time zone" : "datetime(6)";
            case LOCAL_DATE -> "date";
            case LOCAL_DATE_TIME -> pg() ? "timestamp(6)" : "datetime(6)";
            case BYTES -> pg() ? "bytea" : "longblob";
            case JSON -> pg() ? "jsonb" : "longtext";
        };
        if (!pg() && (column.type() == io.kvframework.core.ColumnType.STRING || column.type() == io.kvframework.core.ColumnType.ENUM
                || column.type() == io.kvframework.core.ColumnType.JSON)) {
            type += " collate " + MARIADB_COLLATION;
        }
        return column.nullable() ? type : type + " not null";
    }

    /**
     * What is wrong with an existing column for this model column, or null when it holds every value
     * the model accepts exactly. Arguments are the {@code information_schema.columns} fields.
     */
    public String problem(String dataType, Long charLength, Integer numericPrecision, Integer numericScale, Integer datetimePrecision,
            boolean nullable, String collation) {
        String t = dataType.toLowerCase(Locale.ROOT);
        String expected = "expected " + sql + " for " + column.type() + (column.maxLength() > 0 ? " of length " + column.maxLength() : "");
        String found = "found " + describe(t, charLength, numericPrecision, numericScale, datetimePrecision, nullable, collation);
        String typeProblem = switch (column.type()) {
            case STRING, ENUM -> text(t, charLength, collation);
            case INT -> oneOf(t, "integer", "int", "bigint");
            case LONG -> oneOf(t, "bigint");
            case SHORT -> oneOf(t, "smallint", "integer", "int", "bigint");
            case BOOLEAN -> oneOf(t, "boolean", "tinyint", "bit");
            case DOUBLE -> oneOf(t, "double precision", "double");
            case DECIMAL -> decimal(t, numericPrecision, numericScale);
            case UUID -> pg() ? oneOf(t, "uuid") : oneOf(t, "char", "varchar", "uuid") != null ? "type"
                    : !t.equals("uuid") && (charLength == null || charLength < 36) ? "length" : null;
            case INSTANT -> pg() ? timestamp(t, datetimePrecision, "timestamp with time zone") : timestamp(t, datetimePrecision, "datetime");
            case LOCAL_DATE -> oneOf(t, "date");
            case LOCAL_DATE_TIME -> timestamp(t, datetimePrecision, pg() ? "timestamp without time zone" : "datetime");
            case BYTES -> pg() ? oneOf(t, "bytea") : oneOf(t, "longblob");
            case JSON -> pg() ? oneOf(t, "jsonb", "json", "text") : oneOf(t, "longtext", "json") != null ? "type" : binary(collation, false);
        };
        if (typeProblem == null && column.nullable() && !nullable) {
            typeProblem = "not null";
        }
        if (typeProblem == null) {
            return null;
        }
        String why = switch (typeProblem) {
            case "type" -> "wrong type";
            case "length" -> "too short";
            case "precision" -> "cannot hold every value exactly";
            case "collation" -> "needs collation " + MARIADB_COLLATION + " (binary, no padding, 4-byte UTF-8)";
            case "not null" -> "is NOT NULL but the model allows null";
            default -> typeProblem;
        };
        return column.name() + ": " + why + ": " + expected + ", " + found;
    }

    private static String oneOf(String t, String... accepted) {
        return Set.of(accepted).contains(t) ? null : "type";
    }

    private String text(String t, Long charLength, String collation) {
        boolean isVarchar = t.equals("character varying") || t.equals("varchar");
        if (column.indexed()) {
            if (!isVarchar) {
                return "type";
            }
        } else if (!isVarchar && !(pg() ? t.equals("text") : t.equals("longtext") || t.equals("mediumtext") && column.maxLength() > 0
                && column.maxLength() <= 4_000_000)) {
            return "type";
        }
        if (isVarchar && column.maxLength() <= 0) {
            return "type"; // a value of any length in a bounded column
        }
        if (isVarchar && (charLength == null || charLength < column.maxLength())) {
            return "length";
        }
        return pg() ? null : binary(collation, column.indexed());
    }

    private static String binary(String collation, boolean noPad) {
        if (collation == null) {
            return "collation";
        }
        String c = collation.toLowerCase(Locale.ROOT);
        return c.equals(MARIADB_COLLATION) || !noPad && c.equals("utf8mb4_bin") ? null : "collation";
    }

    private String decimal(String t, Integer precision, Integer scale) {
        if (oneOf(t, "numeric", "decimal") != null) {
            return "type";
        }
        if (pg() && precision == null) {
            return null; // unconstrained numeric keeps every value as written
        }
        int wantScale = column.scale() >= 0 ? column.scale() : Column.MAX_SCALE;
        int wantInteger = column.precision() > 0 ? column.precision() - column.scale() : Column.UNDECLARED_INTEGER_DIGITS;
        if (precision == null || scale == null || scale != wantScale || precision - scale < wantInteger) {
            return "precision";
        }
        return null;
    }

    private static String timestamp(String t, Integer precision, String type) {
        if (!t.equals(type)) {
            return "type";
        }
        return precision == null || precision < 6 ? "precision" : null;
    }

    private static String describe(String t, Long charLength, Integer precision, Integer scale, Integer datetimePrecision,
            boolean nullable, String collation) {
        StringBuilder b = new StringBuilder(t);
        if (charLength != null && (t.contains("char"))) {
            b.append('(').append(charLength).append(')');
        } else if (precision != null && (t.equals("numeric") || t.equals("decimal"))) {
            b.append('(').append(precision).append(", ").append(scale).append(')');
        } else if (datetimePrecision != null && (t.startsWith("timestamp") || t.equals("datetime"))) {
            b.append(" precision ").append(datetimePrecision);
        }
        if (collation != null) {
            b.append(" collate ").append(collation);
        }
        if (!nullable) {
            b.append(" not null");
        }
        return b.toString();
    }
}
