package io.kvframework.redis;

import io.kvframework.core.EntityModel;
import io.kvframework.core.KvRepository;
import java.util.List;
import java.util.ServiceLoader;

/**
 * One entity as the annotation processor registers it: its model, its generated repository type,
 * and how to make that repository on a {@link KvClient}. The processor lists every generated
 * registration in {@code META-INF/services/io.kvframework.redis.KvEntityRegistration}, so that
 * integrations (the Spring Boot starter) find all entities without scanning classes or reflection
 * on entity types.
 *
 * @param <E> the entity type
 * @param <R> the generated repository type
 */
public interface KvEntityRegistration<E, R extends KvRepository<E>> {

    /** The entity model ({@code <Name>Table.MODEL}). */
    EntityModel<E> model();

    /** The generated repository class ({@code <Name>Repository}). */
    Class<R> repositoryType();

    /** A repository of this entity on {@code kv}. */
    R repository(KvClient kv);

    /** Every registration on the class path of {@code loader}, in the order the service files list them. */
    static List<KvEntityRegistration<?, ?>> all(ClassLoader loader) {
        return ServiceLoader.load(KvEntityRegistration.class, loader).stream()
                .<KvEntityRegistration<?, ?>>map(p -> p.get()).toList();
    }
}
