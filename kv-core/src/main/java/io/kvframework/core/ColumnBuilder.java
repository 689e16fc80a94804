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

    /** Maximum length of String (characters) or byte[] (bytes) values; -1 means the client's default. */
    public ColumnBuilder<E, T> maxLength(int maxLength) {
        if (maxLength < -1 || maxLength == 0) {
            throw new InvalidModelException("column " + name + ": maxLength must be positive or -1, got " + maxLength);
        }
        this.maxLength = maxLength;
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
        return new Column<>(name, type, javaType, nullable, maxLength, getter, jsonType);
    }
}
