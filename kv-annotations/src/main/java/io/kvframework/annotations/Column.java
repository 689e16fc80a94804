package io.kvframework.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Column settings for a component. Without it the column is named after the component in snake_case. */
@Retention(RetentionPolicy.SOURCE)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface Column {
    /** Column name, {@code [a-z][a-z0-9_]*}; empty means the component name in snake_case. */
    String name() default "";

    /** Whether null is allowed (reference types only; key columns never). */
    boolean nullable() default true;

    /**
     * Maximum length in characters (String, counted as the databases count them) or bytes (byte[]);
     * {@code -1} means 255 for a String in the primary key or an index, and the client's
     * {@code maxValueLength} otherwise.
     */
    int maxLength() default -1;

    /**
     * Total digits of a {@code BigDecimal} (1 to 65), declared together with {@link #scale()};
     * {@code -1} leaves the column unconstrained in PostgreSQL and {@code DECIMAL(65,30)} in MariaDB.
     */
    int precision() default -1;

    /** Digits after the decimal point of a {@code BigDecimal} (0 to 30); values are stored with exactly this scale. */
    int scale() default -1;
}
