package io.kvframework.redis.internal;

import io.kvframework.core.EntityModel;
import io.kvframework.core.KvRepository;
import io.kvframework.core.Update;
import io.kvframework.core.Versioned;
import io.kvframework.core.Where;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A repository whose every call is a Micrometer {@link Observation} named {@value #NAME}, with the
 * low-cardinality keys {@code kv.table} and {@code kv.operation}: a span in traces and a timer in
 * metrics wherever the application's {@link ObservationRegistry} sends them.
 */
public final class ObservedKvRepository<E> implements KvRepository<E> {
    /** The observation's name. */
    public static final String NAME = "kv.repository";

    private final KvRepository<E> delegate;
    private final ObservationRegistry registry;
    private final String table;

    public ObservedKvRepository(KvRepository<E> delegate, ObservationRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
        this.table = delegate.model().table();
    }

    private <T> T observe(String operation, Supplier<T> call) {
        return Observation.createNotStarted(NAME, registry).contextualName(table + " " + operation)
                .lowCardinalityKeyValue("kv.table", table).lowCardinalityKeyValue("kv.operation", operation).observe(call);
    }

    @Override
    public EntityModel<E> model() {
        return delegate.model();
    }

    @Override
    public E createWithKV(E entity) {
        return observe("createWithKV", () -> delegate.createWithKV(entity));
    }

    @Override
    public List<E> createManyWithKV(List<E> entities) {
        return observe("createManyWithKV", () -> delegate.createManyWithKV(entities));
    }

    @Override
    public Optional<E> findOneWithKV(Where<E> where) {
        return observe("findOneWithKV", () -> delegate.findOneWithKV(where));
    }

    @Override
    public Optional<Versioned<E>> findOneVersionedWithKV(Where<E> where) {
        return observe("findOneVersionedWithKV", () -> delegate.findOneVersionedWithKV(where));
    }

    @Override
    public List<E> findAllWithKV(Where<E> where) {
        return observe("findAllWithKV", () -> delegate.findAllWithKV(where));
    }

    @Override
    public List<E> findAllFromKvRedis(Where<E> where) {
        return observe("findAllFromKvRedis", () -> delegate.findAllFromKvRedis(where));
    }

    @Override
    public Optional<E> updateOneWithKV(Update<E> set, Where<E> where) {
        return observe("updateOneWithKV", () -> delegate.updateOneWithKV(set, where));
    }

    @Override
    public Optional<E> updateOneWithKV(Update<E> set, Where<E> where, long expectedVersion) {
        return observe("updateOneWithKV", () -> delegate.updateOneWithKV(set, where, expectedVersion));
    }

    @Override
    public List<E> updateWithKV(Update<E> set, Where<E> where) {
        return observe("updateWithKV", () -> delegate.updateWithKV(set, where));
    }

    @Override
    public int deleteWithKV(Where<E> where) {
        return observe("deleteWithKV", () -> delegate.deleteWithKV(where));
    }

    @Override
    public E saveWithKV(E entity) {
        return observe("saveWithKV", () -> delegate.saveWithKV(entity));
    }

    @Override
    public E saveWithKV(E entity, long expectedVersion) {
        return observe("saveWithKV", () -> delegate.saveWithKV(entity, expectedVersion));
    }

    @Override
    public boolean deleteOneWithKV(Where<E> key) {
        return observe("deleteOneWithKV", () -> delegate.deleteOneWithKV(key));
    }

    @Override
    public long countWithKV(Where<E> where) {
        return observe("countWithKV", () -> delegate.countWithKV(where));
    }

    @Override
    public boolean existsWithKV(Where<E> where) {
        return observe("existsWithKV", () -> delegate.existsWithKV(where));
    }
}
