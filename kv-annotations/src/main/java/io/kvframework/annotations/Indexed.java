package io.kvframework.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A secondary index over this one column, named {@code by_<column>} unless named. */
@Retention(RetentionPolicy.SOURCE)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface Indexed {
    /** Index name, {@code [a-z][a-z0-9_]*}; empty means {@code by_<column>}. */
    String name() default "";

    /** Whether two rows may not share a (non-null) value. */
    boolean unique() default false;
}
