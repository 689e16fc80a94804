package io.kvframework.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a record as a KV entity. The annotation processor generates, beside the record,
 * {@code <Name>Table} (typed column constants and the entity model) and {@code <Name>Repository}.
 *
 * <pre>{@code
 * @KvEntity(table = "orders", ttlSeconds = 3600,
 *           indexes = @Index(name = "by_city_status", columns = {"city", "status"}))
 * public record Order(@Key String id, @Indexed String city, Status status, BigDecimal total) {}
 * }</pre>
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface KvEntity {
    /** Table name in the database and in Redis keys: {@code [a-z][a-z0-9_]*}, at most 63 characters. */
    String table();

    /**
     * How long a row stays cached in Redis after the database has it, in seconds; {@code -1} takes
     * the client default.
     */
    long ttlSeconds() default -1;

    /** Secondary indexes over one or several columns. */
    Index[] indexes() default {};
}
