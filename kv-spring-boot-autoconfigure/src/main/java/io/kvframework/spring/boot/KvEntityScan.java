package io.kvframework.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Limits the KV entities an application uses (their repository beans, the drainer's tables) to
 * those in the given packages and their sub-packages. Without it every entity the annotation
 * processor registered on the class path is used.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(KvEntities.ScanRegistrar.class)
public @interface KvEntityScan {
    /** Base packages of the entities to use. */
    String[] value() default {};

    /** Base packages given by classes in them. */
    Class<?>[] basePackageClasses() default {};
}
