package io.kvframework.core;

import java.lang.reflect.Type;
import java.util.function.Function;

/** Builds a {@link Column}; obtained from {@link Column#builder}. */
public final class ColumnBuilder<E, T> {
    private final String name;
    private final Class<T> javaType;
    private final Function<E, T> getter;
    private ColumnType type;
    private boolean nullable = true;
    private int maxLength = -1;
    private int precision = -1;
    private int scale = -1;
    private Type jsonType;

    ColumnBuilder(String name, Class<T> javaType, Function<E, T> getter) {
        this.name = name;
        this.javaType = javaType;
        this.getter = getter;
        this.type = ColumnType.of(javaType);
    }

    /** Sets the column type explicitly (needed only for JSON, or to override the inferred type). */
    public ColumnBuilder<E, T> type(ColumnType type) {
        this.type = type;
        return this;
    }

    /** Stores values as JSON; {@code genericType} describes generic types like {@code List<Item>}. */
    public ColumnBuilder<E, T> json(Type genericType) {
        this.type = ColumnType.JSON;
        this.jsonType = genericType;
        return this;
    }

    /** Whether null is allowed (default true; key columns are never nullable). */
    public ColumnBuilder<E, T> nullable(boolean nullable) {
        this.nullable = nullable;
        return this;
    }

    /**
     * Maximum length of String values (in characters, as the databases count them: Unicode code
     * points), byte[] values (bytes) or JSON text (characters); -1 (the default) means
     * {@value Column#DEFAULT_INDEXED_LENGTH} for a String in the primary key or an index, and the
     * client's {@code maxValueLength} otherwise.
     */
    public ColumnBuilder<E, T> maxLength(int maxLength) {
        if (maxLength < -1 || maxLength == 0) {
            throw new InvalidModelException("column " + name + ": maxLength must be positive or -1, got " + maxLength);
        }
        this.maxLength = maxLength;
        return this;
    }

    /**
     * Total digits of a {@link java.math.BigDecimal} column, 1 to {@value Column#MAX_PRECISION}
     * (the most MariaDB's {@code DECIMAL} holds); declare it with {@link #scale(int)}. Undeclared,
     * the column is PostgreSQL's unconstrained {@code numeric} and MariaDB's {@code DECIMAL(65,30)},
     * and values may have up to 35 integer digits and 30 decimals.
     */
    public ColumnBuilder<E, T> precision(int precision) {
        if (precision < 1 || precision > Column.MAX_PRECISION) {
            throw new InvalidModelException("column " + name + ": precision must be between 1 and " + Column.MAX_PRECISION
                    + ", got " + precision);
        }
        this.precision = precision;
        return this;
    }

    /**
     * Digits after the decimal point of a {@link java.math.BigDecimal} column, 0 to
     * {@value Column#MAX_SCALE} and at most the precision. Values are stored with exactly this
     * scale (1.5 in a scale-2 column is stored and read back as 1.50); a value with more decimals
     * is refused, never rounded.
     */
    public ColumnBuilder<E, T> scale(int scale) {
        if (scale < 0 || scale > Column.MAX_SCALE) {
            throw new InvalidModelException("column " + name + ": scale must be between 0 and " + Column.MAX_SCALE + ", got " + scale);
        }
        this.scale = scale;
        return this;
    }

    public Column<E, T> build() {
        if (name == null || !EntityModel.NAME.matcher(name).matches()) {
            throw new InvalidModelException("column name '" + name + "' must match [a-z][a-z0-9_]* (at most 63 characters)");
        }
        if (EntityModel.RESERVED.contains(name)) {
            throw new InvalidModelException("column name '" + name + "' is reserved for KV Framework");
        }
        if (javaType == null || getter == null) {
            throw new InvalidModelException("column " + name + ": Java type and getter are required");
        }
        if (type == null) {
            throw new InvalidModelException("column " + name + ": no column type for " + javaType.getName()
                    + "; declare it as JSON (@Json) or use a supported type");
        }
        if (type == ColumnType.ENUM && !javaType.isEnum()) {
            throw new InvalidModelException("column " + name + ": ENUM needs an enum type, got " + javaType.getName());
        }
        if (type != ColumnType.JSON && type != ColumnType.ENUM && type.javaType() != javaType) {
            throw new InvalidModelException("column " + name + ": type " + type + " holds " + type.javaType().getSimpleName()
                    + ", not " + javaType.getSimpleName());
        }
        if ((precision >= 0 || scale >= 0) && type != ColumnType.DECIMAL) {
            throw new InvalidModelException("column " + name + ": precision and scale apply to BigDecimal columns only, not " + type);
        }
        if ((precision >= 0) != (scale >= 0)) {
            throw new InvalidModelException("column " + name + ": declare precision and scale together (got precision " + precision
                    + ", scale " + scale + ")");
        }
        if (scale > precision) {
            throw new InvalidModelException("column " + name + ": scale " + scale + " exceeds precision " + precision);
        }
        if (maxLength > 0 && !(type == ColumnType.STRING || type == ColumnType.BYTES || type == ColumnType.JSON
                || type == ColumnType.ENUM)) {
            throw new InvalidModelException("column " + name + ": maxLength applies to String, enum, byte[] and JSON columns, not " + type);
        }
        return new Column<>(name, type, javaType, nullable, maxLength, precision, scale, getter, jsonType);
    }
}
