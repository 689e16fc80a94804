package io.kvframework.core;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;

/** The column types an entity may use. */
public enum ColumnType {
    STRING(String.class, true),
    INT(Integer.class, true),
    LONG(Long.class, true),
    SHORT(Short.class, true),
    BOOLEAN(Boolean.class, true),
    DOUBLE(Double.class, false),
    /** {@link BigDecimal}; not indexable, because equal decimals may differ in scale (1.0 / 1.00). */
    DECIMAL(BigDecimal.class, false),
    UUID(java.util.UUID.class, true),
    /** Stored with microsecond precision, as PostgreSQL and MariaDB keep it. */
    INSTANT(Instant.class, true),
    LOCAL_DATE(LocalDate.class, true),
    /** Stored with microsecond precision. */
    LOCAL_DATE_TIME(LocalDateTime.class, true),
    ENUM(Enum.class, true),
    BYTES(byte[].class, false),
    /** Any Jackson-serialisable value, stored as JSON text (JSONB in PostgreSQL). */
    JSON(Object.class, false);

    private final Class<?> javaType;
    private final boolean indexable;

    ColumnType(Class<?> javaType, boolean indexable) {
        this.javaType = javaType;
        this.indexable = indexable;
    }

    /** The Java type of values (boxed for primitives; {@code Enum} and {@code Object} for ENUM and JSON). */
    public Class<?> javaType() {
        return javaType;
    }

    /** Whether the type can be part of a primary key or an index. */
    public boolean indexable() {
        return indexable;
    }

    /** The natural column type of a Java type, or null when there is none (then use JSON). */
    public static ColumnType of(Class<?> type) {
        Class<?> boxed = box(type);
        if (boxed.isEnum()) {
            return ENUM;
        }
        for (ColumnType t : values()) {
            if (t != ENUM && t != JSON && t.javaType == boxed) {
                return t;
            }
        }
        return null;
    }

    static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == int.class) {
            return Integer.class;
        } else if (type == long.class) {
            return Long.class;
        } else if (type == short.class) {
            return Short.class;
        } else if (type == boolean.class) {
            return Boolean.class;
        } else if (type == double.class) {
            return Double.class;
        }
        throw new InvalidModelException("primitive type " + type + " is not supported; use int, long, short, boolean or double");
    }
}
