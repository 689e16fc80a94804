package io.kvframework.core;

import java.util.List;
import java.util.Optional;

/**
 * The repository of one entity. Writes go to Redis and, in the same atomic step, to the change
 * stream; reads try Redis first and fall back to the database, so every read sees every
 * acknowledged write, from any process.
 */
public interface KvRepository<E> {

    /** The entity model this repository serves. */
    EntityModel<E> model();

    /**
     * Creates a row.
     *
     * @return the stored entity (with its version, when the entity has a version component)
     * @throws DuplicateKeyException when the key or a unique index value exists, in Redis or in the database
     * @throws InvalidValueException when the entity does not fit its model; nothing is written
     */
    E createWithKV(E entity);

    /**
     * Creates several rows, pipelined. Every entity is validated first: a malformed one fails the
     * call with {@link InvalidValueException} before anything is written. Then each row is created
     * atomically on its own; the first failure (a duplicate key, say) is thrown after all rows were
     * tried, and the rows before and after it are created.
     */
    List<E> createManyWithKV(List<E> entities);

    /** The row matching {@code where}, or empty. */
    Optional<E> findOneWithKV(Where<E> where);

    /** The row matching {@code where} with its version, or empty. */
    Optional<Versioned<E>> findOneVersionedWithKV(Where<E> where);

    /** Every row matching {@code where}, from Redis and the database merged by key and version. */
    List<E> findAllWithKV(Where<E> where);

    /** Every row matching {@code where} that Redis holds; the database is not asked. */
    List<E> findAllFromKvRedis(Where<E> where);

    /**
     * Updates the one row matching {@code where}.
     *
     * @return the row after the update, or empty when no row matched
     * @throws NonUniqueResultException when several rows match
     */
    Optional<E> updateOneWithKV(Update<E> set, Where<E> where);

    /**
     * Updates the one row matching {@code where} if its version is {@code expectedVersion}.
     *
     * @throws OptimisticLockException when the row's version is another
     */
    Optional<E> updateOneWithKV(Update<E> set, Where<E> where, long expectedVersion);

    /** Updates every row matching {@code where}; returns the rows after the update. */
    List<E> updateWithKV(Update<E> set, Where<E> where);

    /** Deletes every row matching {@code where}; returns how many were deleted. */
    int deleteWithKV(Where<E> where);

    /**
     * Creates the row or replaces every column of the existing one, in one atomic step; the entity's
     * version component is ignored. Returns the row as stored, with its new version.
     */
    E saveWithKV(E entity);

    /**
     * As {@link #saveWithKV(Object)}, only if the row is at {@code expectedVersion}; 0 means the row
     * must not exist.
     *
     * @throws OptimisticLockException when the row is at another version (or absent)
     * @throws DuplicateKeyException when {@code expectedVersion} is 0 and the row exists
     */
    E saveWithKV(E entity, long expectedVersion);

    /**
     * Deletes the row with this primary key ({@code where} is an equality on every key column);
     * returns whether there was one.
     *
     * @throws InvalidValueException when {@code where} does not pin exactly the primary key
     */
    boolean deleteOneWithKV(Where<E> key);

    /** How many rows match, counted with the same rules as {@link #findAllWithKV}: Redis rows win, undrained moves and deletes count as Redis has them. */
    long countWithKV(Where<E> where);

    /** Whether any row matches, with the rules of {@link #findAllWithKV}. */
    boolean existsWithKV(Where<E> where);

    /**
     * The rows of {@link #findAllWithKV(Where)}, to be ordered and paged:
     * {@code queryWithKV(where).orderBy(CITY).orderBy(TOTAL, DESC).offset(20).limit(10).list()}.
     */
    default KvQuery<E> queryWithKV(Where<E> where) {
        return new KvQuery<>(model(), () -> findAllWithKV(where));
    }
}
