package io.kvframework.redis.internal;

import io.kvframework.core.EntityModel;
import io.kvframework.core.KvAsyncRepository;
import io.kvframework.core.Update;
import io.kvframework.core.Versioned;
import io.kvframework.core.Where;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * An asynchronous repository whose every call is a Micrometer {@link Observation}
 * {@value ObservedKvRepository#NAME} (keys {@code kv.table}, {@code kv.operation}), started with
 * the call and stopped when its stage completes.
 */
public final class ObservedKvAsyncRepository<E> implements KvAsyncRepository<E> {
    private final KvAsyncRepository<E> delegate;
    private final ObservationRegistry registry;
    private final String table;

    public ObservedKvAsyncRepository(KvAsyncRepository<E> delegate, ObservationRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
        this.table = delegate.model().table();
    }

    private <T> CompletionStage<T> observe(String operation, Supplier<CompletionStage<T>> call) {
        Observation o = Observation.createNotStarted(ObservedKvRepository.NAME, registry).contextualName(table + " " + operation)
                .lowCardinalityKeyValue("kv.table", table).lowCardinalityKeyValue("kv.operation", operation).start();
        CompletionStage<T> stage;
        try (Observation.Scope scope = o.openScope()) {
            stage = call.get();
        } catch (RuntimeException e) {
            o.error(e);
            o.stop();
            throw e;
        }
        return stage.whenComplete((value, error) -> {
            if (error != null) {
                o.error(error);
            }
            o.stop();
        });
    }

    @Override
    public EntityModel<E> model() {
        return delegate.model();
    }

    @Override
    public CompletionStage<E> createWithKV(E entity) {
        return observe("createWithKV", () -> delegate.createWithKV(entity));
    }

    @Override
    public CompletionStage<List<E>> createManyWithKV(List<E> entities) {
        return observe("createManyWithKV", () -> delegate.createManyWithKV(entities));
    }

    @Override
    public CompletionStage<Optional<E>> findOneWithKV(Where<E> where) {
        return observe("findOneWithKV", () -> delegate.findOneWithKV(where));
    }

    @Override
    public CompletionStage<Optional<Versioned<E>>> findOneVersionedWithKV(Where<E> where) {
        return observe("findOneVersionedWithKV", () -> delegate.findOneVersionedWithKV(where));
    }

    @Override
    public CompletionStage<List<E>> findAllWithKV(Where<E> where) {
        return observe("findAllWithKV", () -> delegate.findAllWithKV(where));
    }

    @Override
    public CompletionStage<List<E>> findAllFromKvRedis(Where<E> where) {
        return observe("findAllFromKvRedis", () -> delegate.findAllFromKvRedis(where));
    }

    @Override
    public CompletionStage<Optional<E>> updateOneWithKV(Update<E> set, Where<E> where) {
        return observe("updateOneWithKV", () -> delegate.updateOneWithKV(set, where));
    }

    @Override
    public CompletionStage<Optional<E>> updateOneWithKV(Update<E> set, Where<E> where, long expectedVersion) {
        return observe("updateOneWithKV", () -> delegate.updateOneWithKV(set, where, expectedVersion));
    }

    @Override
    public CompletionStage<List<E>> updateWithKV(Update<E> set, Where<E> where) {
        return observe("updateWithKV", () -> delegate.updateWithKV(set, where));
    }

    @Override
    public CompletionStage<Integer> deleteWithKV(Where<E> where) {
        return observe("deleteWithKV", () -> delegate.deleteWithKV(where));
    }

    @Override
    public CompletionStage<E> saveWithKV(E entity) {
        return observe("saveWithKV", () -> delegate.saveWithKV(entity));
    }

    @Override
    public CompletionStage<E> saveWithKV(E entity, long expectedVersion) {
        return observe("saveWithKV", () -> delegate.saveWithKV(entity, expectedVersion));
    }

    @Override
    public CompletionStage<Boolean> deleteOneWithKV(Where<E> key) {
        return observe("deleteOneWithKV", () -> delegate.deleteOneWithKV(key));
    }

    @Override
    public CompletionStage<Long> countWithKV(Where<E> where) {
        return observe("countWithKV", () -> delegate.countWithKV(where));
    }

    @Override
    public CompletionStage<Boolean> existsWithKV(Where<E> where) {
        return observe("existsWithKV", () -> delegate.existsWithKV(where));
    }
}
