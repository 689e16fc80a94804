package io.kvframework.annotations;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A secondary index over one or several columns, declared in {@link KvEntity#indexes()}. */
@Retention(RetentionPolicy.SOURCE)
@Target({})
public @interface Index {
    /** Index name, {@code [a-z][a-z0-9_]*}. */
    String name();

    /** Column names, in index order. */
    String[] columns();

    /** Whether two rows may not share a value combination (without nulls). */
    boolean unique() default false;
}
