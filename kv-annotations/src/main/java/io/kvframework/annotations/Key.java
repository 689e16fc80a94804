package io.kvframework.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a primary-key component. Several components form a composite key, ordered by {@link #order()}. */
@Retention(RetentionPolicy.SOURCE)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface Key {
    /** Position in a composite key (lower first); ties keep declaration order. */
    int order() default 0;
}
