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

    /** Maximum length in characters (String) or bytes (byte[]); {@code -1} takes the client default. */
    int maxLength() default -1;
}
