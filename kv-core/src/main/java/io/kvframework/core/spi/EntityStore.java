package io.kvframework.core.spi;

import io.kvframework.core.Column;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.Where;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The database side of one entity, as the Redis data plane reads and writes it: reads that fall
 * back to the database, the version a remembered delete left, and the writes of a table in
 * database mode. Implemented by {@code kv-sql}; values are column values by model position.
 *
 * <p>Failures are thrown as KV Framework exceptions: {@link io.kvframework.core.DuplicateKeyException}
 * when the database refuses a duplicate, {@link io.kvframework.core.KvUnavailableException} when it
 * cannot answer.
 *
 * @param <E> the entity type
 */
public interface EntityStore<E> {

    /** The row with this primary key (key column values in key order), if the database holds it. */
    Optional<DbRow> findByKey(Object[] key);

    /** The rows matching {@code where}. */
    List<DbRow> findAll(Where<E> where);

    /**
     * The version the last applied delete of this encoded primary key left, 0 when none is
     * remembered, or -1 when the tombstones table does not exist yet (no delete was ever applied).
     */
    long lastDeletedVersion(String encodedKey);

    /**
     * Inserts a new row in one transaction (database mode): refused when the key exists or a unique
     * index value is taken; the version goes on after a remembered delete.
     */
    InsertOutcome insert(String encodedKey, Object[] values);

    /** Sets {@code assignments} when the row is at {@code expectedVersion}; the row read back, or empty when it moved on. */
    Optional<DbRow> updateIfVersion(Object[] key, Map<Column<?, ?>, Object> assignments, long expectedVersion);

    /** Deletes the row when it is at {@code version} and remembers the delete; false when it moved on. */
    boolean deleteIfVersion(String encodedKey, Object[] key, long version);

    /**
     * What {@link #insert} did: the new row's version, or why it refused.
     *
     * @param version the inserted row's version, or 0 when refused
     * @param keyExists the primary key exists
     * @param takenIndex the unique index whose value is taken, or null
     */
    record InsertOutcome(long version, boolean keyExists, IndexDefinition takenIndex) {
        public static InsertOutcome inserted(long version) {
            return new InsertOutcome(version, false, null);
        }

        public static InsertOutcome keyTaken() {
            return new InsertOutcome(0, true, null);
        }

        public static InsertOutcome uniqueTaken(IndexDefinition index) {
            return new InsertOutcome(0, false, index);
        }

        /** Whether the row was inserted. */
        public boolean inserted() {
            return version > 0;
        }
    }
}
