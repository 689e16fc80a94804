package io.kvframework.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The asynchronous twin of {@link KvRepository}: the same calls with the same guarantees, errors
 * and metrics, completing a {@link CompletionStage} instead of blocking the caller. A failure
 * completes the stage exceptionally with the exception the blocking call would throw.
 *
 * <p>Redis steps run on Lettuce's asynchronous API and hold no thread while they wait: creates,
 * reads, updates, saves and deletes by key of entities without unique indexes, and the Redis side
 * of every query (index sets, row hashes, the re-read of database rows). JDBC is blocking, so the
 * database steps (a miss, the database half of a query, the create check, database mode) and the
 * unique claims run on the client's bounded executor for blocking work
 * ({@code KvOptions.blockingThreads}). Every call is observed like the blocking one.
 *
 * @param <E> the entity type
 */
public interface KvAsyncRepository<E> {

    /** The entity model. */
    EntityModel<E> model();

    /** See {@link KvRepository#createWithKV}. */
    CompletionStage<E> createWithKV(E entity);

    /** See {@link KvRepository#createManyWithKV}. */
    CompletionStage<List<E>> createManyWithKV(List<E> entities);

    /** See {@link KvRepository#findOneWithKV}. */
    CompletionStage<Optional<E>> findOneWithKV(Where<E> where);

    /** See {@link KvRepository#findOneVersionedWithKV}. */
    CompletionStage<Optional<Versioned<E>>> findOneVersionedWithKV(Where<E> where);

    /** See {@link KvRepository#findAllWithKV}. */
    CompletionStage<List<E>> findAllWithKV(Where<E> where);

    /** See {@link KvRepository#findAllFromKvRedis}. */
    CompletionStage<List<E>> findAllFromKvRedis(Where<E> where);

    /** See {@link KvRepository#updateOneWithKV(Update, Where)}. */
    CompletionStage<Optional<E>> updateOneWithKV(Update<E> set, Where<E> where);

    /** See {@link KvRepository#updateOneWithKV(Update, Where, long)}. */
    CompletionStage<Optional<E>> updateOneWithKV(Update<E> set, Where<E> where, long expectedVersion);

    /** See {@link KvRepository#updateWithKV}. */
    CompletionStage<List<E>> updateWithKV(Update<E> set, Where<E> where);

    /** See {@link KvRepository#deleteWithKV}. */
    CompletionStage<Integer> deleteWithKV(Where<E> where);

    /** See {@link KvRepository#saveWithKV(Object)}. */
    CompletionStage<E> saveWithKV(E entity);

    /** See {@link KvRepository#saveWithKV(Object, long)}. */
    CompletionStage<E> saveWithKV(E entity, long expectedVersion);

    /** See {@link KvRepository#deleteOneWithKV}. */
    CompletionStage<Boolean> deleteOneWithKV(Where<E> key);

    /** See {@link KvRepository#countWithKV}. */
    CompletionStage<Long> countWithKV(Where<E> where);

    /** See {@link KvRepository#existsWithKV}. */
    CompletionStage<Boolean> existsWithKV(Where<E> where);
}
