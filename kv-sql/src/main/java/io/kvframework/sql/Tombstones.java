package io.kvframework.sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The database's memory of applied deletes ({@value #TABLE}), per key namespace: the drainer
 * records the version of every delete it applies, so that no older event brings the row back, and a create of a key that
 * Redis has forgotten continues the key's version sequence after its last delete.
 */
public final class Tombstones {
    public static final String TABLE = "kv_drainer_tombstones";
    public static final Table<Record> T = DSL.table(DSL.name(TABLE));
    public static final Field<String> NAMESPACE = DSL.field(DSL.name("namespace"), SQLDataType.VARCHAR(64).notNull());
    public static final Field<String> TABLE_NAME = DSL.field(DSL.name("table_name"), SQLDataType.VARCHAR(64).notNull());
    public static final Field<String> KEY_HASH = DSL.field(DSL.name("key_hash"), SQLDataType.CHAR(64).notNull());
    public static final Field<Long> VERSION = DSL.field(DSL.name("version"), SQLDataType.BIGINT.notNull());
    public static final Field<Long> DELETED_AT = DSL.field(DSL.name("deleted_at"), SQLDataType.BIGINT.notNull());

    private Tombstones() {
    }

    /** SHA-256 of the encoded primary key, in hex. */
    public static String keyHash(String encodedKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encodedKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CREATE TABLE IF NOT EXISTS {@value #TABLE}. */
    public static void createTable(DSLContext dsl) {
        dsl.createTableIfNotExists(T).columns(NAMESPACE, TABLE_NAME, KEY_HASH, VERSION, DELETED_AT)
                .constraints(DSL.constraint(DSL.name("pk_" + TABLE)).primaryKey(NAMESPACE, TABLE_NAME, KEY_HASH)).execute();
    }

    /** Forgets the namespace's applied deletes older than {@code retentionMillis}; returns how many. */
    public static int prune(DSLContext dsl, String namespace, long retentionMillis) {
        return dsl.deleteFrom(T).where(NAMESPACE.eq(namespace)).and(DELETED_AT.lt(System.currentTimeMillis() - retentionMillis)).execute();
    }

    /** Records an applied delete of a key at {@code version} (keeps the highest version). */
    public static void remember(DSLContext tx, String namespace, String table, String keyHash, long version, long now) {
        int updated = tx.update(T).set(VERSION, version).set(DELETED_AT, now).where(NAMESPACE.eq(namespace))
                .and(TABLE_NAME.eq(table)).and(KEY_HASH.eq(keyHash)).and(VERSION.lt(version)).execute();
        if (updated == 0 && !tx.fetchExists(tx.selectOne().from(T).where(NAMESPACE.eq(namespace)).and(TABLE_NAME.eq(table))
                .and(KEY_HASH.eq(keyHash)))) {
            tx.insertInto(T, NAMESPACE, TABLE_NAME, KEY_HASH, VERSION, DELETED_AT).values(namespace, table, keyHash, version, now).execute();
        }
    }

    /**
     * The version of the last applied delete of a key, 0 when there is none, or -1 when the table
     * does not exist (no drainer has created it yet: then no delete was ever applied).
     */
    public static long lastDeletedVersion(DSLContext dsl, String namespace, String table, String encodedKey) {
        try {
            Long v = dsl.select(VERSION).from(T).where(NAMESPACE.eq(namespace)).and(TABLE_NAME.eq(table))
                    .and(KEY_HASH.eq(keyHash(encodedKey))).fetchOne(VERSION);
            return v == null ? 0 : v;
        } catch (DataAccessException e) {
            // told by the error's SQLSTATE, not by reading the catalog: jOOQ's Meta reads every table of every
            // schema (slow on a create's path, and it fails on column types it does not know)
            if (undefinedTable(e)) {
                return -1;
            }
            throw e;
        }
    }

    /** Whether the database said the table does not exist (PostgreSQL 42P01, MariaDB 42S02). */
    static boolean undefinedTable(DataAccessException e) {
        String state = e.sqlState();
        return "42P01".equals(state) || "42S02".equals(state);
    }
}
