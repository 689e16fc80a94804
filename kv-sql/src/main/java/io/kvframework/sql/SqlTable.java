package io.kvframework.sql;

import io.kvframework.core.Column;
import io.kvframework.core.ColumnType;
import io.kvframework.core.Condition;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.Where;
import io.kvframework.core.spi.DbRow;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The SQL side of an entity: its table and column types in one dialect, conversions between
 * column values and JDBC values, reads by key and by where-clause, and DDL. Identifiers are
 * always quoted and values always bound.
 */
public final class SqlTable<E> {
    /** Name of the version column every KV table has. */
    public static final String VERSION = "version";

    private final EntityModel<E> model;
    private final SqlDialect dialect;
    private final Table<Record> table;
    private final List<Field<Object>> fields;
    private final Field<Long> version;

    public SqlTable(EntityModel<E> model, SqlDialect dialect) {
        this.model = model;
        this.dialect = dialect;
        this.table = DSL.table(DSL.name(model.table()));
        this.fields = new ArrayList<>();
        for (Column<E, ?> c : model.columns()) {
            fields.add(DSL.field(DSL.name(c.name()), dataType(c, dialect)));
        }
        this.version = DSL.field(DSL.name(VERSION), SQLDataType.BIGINT.notNull());
    }

    public EntityModel<E> model() {
        return model;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    public Table<Record> table() {
        return table;
    }

    /** Column fields by model position. */
    public List<Field<Object>> fields() {
        return fields;
    }

    public Field<Object> field(Column<?, ?> column) {
        return fields.get(column.position());
    }

    public Field<Long> versionField() {
        return version;
    }

    /** The jOOQ type a column's values are bound and read with (its DDL is {@link SqlColumnType}'s). */
    @SuppressWarnings("unchecked")
    private static DataType<Object> dataType(Column<?, ?> c, SqlDialect dialect) {
        boolean pg = dialect == SqlDialect.POSTGRES;
        DataType<?> t = switch (c.type()) {
            case STRING, ENUM -> SQLDataType.VARCHAR;
            case INT -> SQLDataType.INTEGER;
            case LONG -> SQLDataType.BIGINT;
            case SHORT -> SQLDataType.SMALLINT;
            case BOOLEAN -> SQLDataType.BOOLEAN;
            case DOUBLE -> SQLDataType.DOUBLE;
            case DECIMAL -> SQLDataType.DECIMAL;
            case UUID -> pg ? SQLDataType.UUID : SQLDataType.CHAR(36);
            case INSTANT -> pg ? SQLDataType.TIMESTAMPWITHTIMEZONE(6) : SQLDataType.LOCALDATETIME(6).asConvertedDataType(JavaTimeBinding.dateTime());
            case LOCAL_DATE -> SQLDataType.LOCALDATE.asConvertedDataType(JavaTimeBinding.date());
            case LOCAL_DATE_TIME -> SQLDataType.LOCALDATETIME(6).asConvertedDataType(JavaTimeBinding.dateTime());
            case BYTES -> SQLDataType.BLOB;
            case JSON -> pg ? SQLDataType.JSONB : SQLDataType.CLOB;
        };
        return (DataType<Object>) t;
    }

    /** The database type of each column, by model position. */
    public List<SqlColumnType> columnTypes() {
        return model.columns().stream().map(c -> SqlColumnType.of(c, dialect)).toList();
    }

    /** The JDBC value of a column value. */
    public Object toSql(Column<?, ?> c, Object value) {
        if (value == null) {
            return null;
        }
        return switch (c.type()) {
            case ENUM -> ((Enum<?>) value).name();
            case UUID -> dialect == SqlDialect.POSTGRES ? value : value.toString();
            case INSTANT -> {
                Instant i = (Instant) c.javaType().cast(normalize(c, value));
                yield dialect == SqlDialect.POSTGRES ? i.atOffset(ZoneOffset.UTC) : LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            }
            case LOCAL_DATE_TIME, DECIMAL -> normalize(c, value);
            case JSON -> dialect == SqlDialect.POSTGRES ? JSONB.valueOf(c.encode(value)) : c.encode(value);
            default -> value;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object normalize(Column c, Object value) {
        return c.normalize(value);
    }

    /** The column value of a JDBC value. */
    public Object fromSql(Column<?, ?> c, Object value) {
        if (value == null) {
            return null;
        }
        return switch (c.type()) {
            case ENUM -> c.decode(value.toString());
            case UUID -> value instanceof UUID ? value : UUID.fromString(value.toString().trim());
            case INSTANT -> value instanceof OffsetDateTime o ? o.toInstant()
                    : value instanceof LocalDateTime l ? l.toInstant(ZoneOffset.UTC)
                    : value instanceof String text ? JavaTimeBinding.parseDateTime(text).toInstant(ZoneOffset.UTC) : value;
            case LOCAL_DATE_TIME -> value instanceof String text ? JavaTimeBinding.parseDateTime(text) : value;
            case JSON -> c.decode(value instanceof JSONB j ? j.data() : value.toString());
            case INT -> ((Number) value).intValue();
            case LONG -> ((Number) value).longValue();
            case SHORT -> ((Number) value).shortValue();
            case DOUBLE -> ((Number) value).doubleValue();
            // the stored scale may be wider than the value's (MariaDB's decimal(65,30)): back to the canonical form
            case DECIMAL -> normalize(c, value instanceof java.math.BigDecimal ? value : new java.math.BigDecimal(value.toString()));
            case BOOLEAN -> value instanceof Boolean ? value : ((Number) value).intValue() != 0;
            default -> value;
        };
    }

    /** The jOOQ condition of a where-clause. */
    public org.jooq.Condition condition(Where<E> where) {
        List<org.jooq.Condition> all = new ArrayList<>();
        for (Condition c : where.conditions()) {
            Field<Object> f = field(c.column());
            List<Object> values = c.values().stream().map(v -> toSql(c.column(), v)).toList();
            all.add(switch (c.op()) {
                case EQ -> f.eq(values.get(0));
                case NE -> f.ne(values.get(0));
                case LT -> f.lt(values.get(0));
                case LE -> f.le(values.get(0));
                case GT -> f.gt(values.get(0));
                case GE -> f.ge(values.get(0));
                case IN -> f.in(values);
                case IS_NULL -> f.isNull();
                case IS_NOT_NULL -> f.isNotNull();
            });
        }
        return DSL.and(all);
    }

    /** Rows matching {@code where}. */
    public List<DbRow> select(DSLContext dsl, Where<E> where) {
        return dsl.select(selectFields()).from(table).where(condition(where)).fetch(this::row);
    }

    /** Rows with any of the given primary keys (each an array of key values in key order). */
    public List<DbRow> selectByKeys(DSLContext dsl, List<Object[]> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<org.jooq.Condition> any = new ArrayList<>();
        for (Object[] key : keys) {
            any.add(keyCondition(key));
        }
        return dsl.select(selectFields()).from(table).where(DSL.or(any)).fetch(this::row);
    }

    /** The key column values (in key order) of a row's column values (by model position). */
    public Object[] keyValues(Object[] values) {
        Object[] key = new Object[model.key().size()];
        for (int i = 0; i < key.length; i++) {
            key[i] = values[model.key().get(i).position()];
        }
        return key;
    }

    /** The row with this primary key. */
    public Optional<DbRow> selectByKey(DSLContext dsl, Object[] key) {
        return dsl.select(selectFields()).from(table).where(keyCondition(key)).fetchOptional(this::row);
    }

    /** {@code key columns = key values}. */
    public org.jooq.Condition keyCondition(Object[] key) {
        List<org.jooq.Condition> parts = new ArrayList<>();
        for (int i = 0; i < model.key().size(); i++) {
            Column<E, ?> c = model.key().get(i);
            parts.add(field(c).eq(toSql(c, key[i])));
        }
        return DSL.and(parts);
    }

    /** The select list: every column (MariaDB date-times as the text the server prints), then the version. */
    List<Field<?>> selectFields() {
        List<Field<?>> select = new ArrayList<>(fields.size() + 1);
        for (int i = 0; i < fields.size(); i++) {
            Field<Object> f = fields.get(i);
            ColumnType type = model.columns().get(i).type();
            if (dialect == SqlDialect.MARIADB && (type == ColumnType.INSTANT || type == ColumnType.LOCAL_DATE_TIME)) {
                // the server prints the stored fields; the driver's own decoding moves times in the JVM zone's DST gaps
                select.add(DSL.field("cast({0} as char)", SQLDataType.VARCHAR, f).as(f.getUnqualifiedName()));
            } else {
                select.add(f);
            }
        }
        select.add(version);
        return select;
    }

    private DbRow row(Record r) {
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = fromSql(model.columns().get(i), r.get(i));
        }
        return new DbRow(values, r.get(fields.size(), Long.class));
    }

    /** A plain INSERT of one row at {@code version} (database mode). */
    public Query insert(DSLContext dsl, Object[] values, long rowVersion) {
        List<Field<?>> all = new ArrayList<>(fields);
        all.add(version);
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            row.add(toSql(model.columns().get(i), values[i]));
        }
        row.add(rowVersion);
        return dsl.insertInto(table, all).values(row);
    }

    /** UPDATE of some columns, version + 1, only if the stored version is {@code expected} (database mode). */
    public Query updateIfVersion(DSLContext dsl, Object[] key, Map<io.kvframework.core.Column<?, ?>, Object> assignments, long expected) {
        Map<Field<?>, Object> set = new LinkedHashMap<>();
        assignments.forEach((c, v) -> set.put(field(c), DSL.val(toSql(c, v), field(c))));
        set.put(version, version.plus(1));
        return dsl.update(table).set(set).where(keyCondition(key)).and(version.eq(expected));
    }

    /** DELETE of a row only if the stored version is {@code expected} (database mode). */
    public Query deleteIfVersion(DSLContext dsl, Object[] key, long expected) {
        return dsl.deleteFrom(table).where(keyCondition(key)).and(version.eq(expected));
    }

    /** Deletes the row with this key if its stored version is older than {@code version}. */
    public Query deleteOlder(DSLContext dsl, Object[] key, long deleteVersion) {
        return dsl.deleteFrom(table).where(keyCondition(key)).and(version.lt(deleteVersion));
    }

    /**
     * Compares the table in the database with the model, like Hibernate's {@code validate}: every
     * column's type, length, precision and scale, collation (MariaDB) and nullability, the version
     * column and the primary key. Returns one line per difference; empty when the table holds every
     * value the model accepts exactly.
     */
    public List<String> schemaProblems(DSLContext dsl) {
        String schema = dialect == SqlDialect.POSTGRES ? "current_schema()" : "database()";
        Map<String, Record> columns = new LinkedHashMap<>();
        for (Record r : dsl.resultQuery("select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,"
                + " datetime_precision, is_nullable, collation_name from information_schema.columns where table_schema = " + schema
                + " and table_name = {0}", DSL.val(model.table())).fetch()) {
            columns.put(r.get(0, String.class).toLowerCase(java.util.Locale.ROOT), r);
        }
        List<String> problems = new ArrayList<>();
        if (columns.isEmpty()) {
            problems.add("table " + model.table() + " does not exist");
            return problems;
        }
        for (Column<E, ?> c : model.columns()) {
            Record r = columns.get(c.name());
            if (r == null) {
                problems.add(model.table() + "." + c.name() + ": missing (expected " + SqlColumnType.of(c, dialect).sql() + ")");
                continue;
            }
            String problem = SqlColumnType.of(c, dialect).problem(r.get(1, String.class), r.get(2, Long.class), r.get(3, Integer.class),
                    r.get(4, Integer.class), r.get(5, Integer.class), "YES".equalsIgnoreCase(r.get(6, String.class)), r.get(7, String.class));
            if (problem != null) {
                problems.add(model.table() + "." + problem);
            }
        }
        Record v = columns.get(VERSION);
        if (v == null || !"bigint".equalsIgnoreCase(v.get(1, String.class)) || "YES".equalsIgnoreCase(v.get(6, String.class))) {
            problems.add(model.table() + "." + VERSION + ": expected bigint not null, found " + (v == null ? "no such column"
                    : v.get(1, String.class) + ("YES".equalsIgnoreCase(v.get(6, String.class)) ? " null" : " not null")));
        }
        List<String> key = dsl.resultQuery("select k.column_name from information_schema.table_constraints t"
                + " join information_schema.key_column_usage k on k.constraint_name = t.constraint_name"
                + " and k.table_schema = t.table_schema and k.table_name = t.table_name"
                + " where t.constraint_type = 'PRIMARY KEY' and t.table_schema = " + schema + " and t.table_name = {0}"
                + " order by k.ordinal_position", DSL.val(model.table())).fetch(r -> r.get(0, String.class).toLowerCase(java.util.Locale.ROOT));
        List<String> expectedKey = model.key().stream().map(Column::name).toList();
        if (!key.equals(expectedKey)) {
            problems.add(model.table() + ": primary key is " + (key.isEmpty() ? "missing" : key) + ", expected " + expectedKey);
        }
        return problems;
    }

    /**
     * CREATE TABLE IF NOT EXISTS with the version column and the primary key, then one plain index
     * per entity index. Unique indexes get a plain (not unique) index on purpose: uniqueness is
     * enforced when writing to Redis, and shards are drained in parallel, so a value that moves from
     * one row to another may reach the database in the other order for a moment.
     */
    public List<Query> createTable(DSLContext dsl) {
        List<Query> queries = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (Column<E, ?> c : model.columns()) {
            columns.add(dsl.render(DSL.name(c.name())) + " " + SqlColumnType.of(c, dialect).sql());
        }
        columns.add(dsl.render(DSL.name(VERSION)) + " bigint not null");
        String key = String.join(", ", model.key().stream().map(c -> dsl.render(DSL.name(c.name()))).toList());
        columns.add("constraint " + dsl.render(DSL.name("pk_" + model.table())) + " primary key (" + key + ")");
        queries.add(dsl.query("create table if not exists " + dsl.render(table) + " (" + String.join(", ", columns) + ")"
                + (dialect == SqlDialect.MARIADB ? " default charset = utf8mb4 collate = " + SqlColumnType.MARIADB_COLLATION : "")));
        for (IndexDefinition index : model.indexes()) {
            queries.add(dsl.createIndexIfNotExists(DSL.name("ix_" + model.table() + "_" + index.name())).on(table,
                    index.columns().stream().map(this::field).toArray(Field[]::new)));
        }
        return queries;
    }

}
