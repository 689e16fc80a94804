package io.kvframework.redis;

import java.util.Locale;

/**
 * The mode of a table, and the one place its states are named. Stored per table in every shard's
 * {@code {ns:s}:mode} hash (absent means {@link #KV}); {@code write.lua} and {@code hydrate.lua}
 * compare against {@link #wire()} values, and a test checks that they use no other.
 *
 * <pre>
 *   KV ──switch to db──▶ SWITCHING ──drained, rows evicted──▶ DB
 *   DB ──switch to kv──▶ SWITCHING ──grace over──▶ CHECKED (KV mode; creates ask the database)
 * </pre>
 */
public enum TableMode {
    /** Reads and writes go through Redis (no entry in the mode hash). */
    KV(null, "kv"),
    /**
     * KV mode after a period in database mode: keys created meanwhile are not in the key filter, so
     * every create asks the database whether the key exists.
     */
    CHECKED("checked", "kv"),
    /** Between modes: writes of the table are held back until the switch completes. */
    SWITCHING("draining", "switching"),
    /** Database mode: the repository reads and writes the database directly; Redis holds nothing of the table. */
    DB("db", "db");

    private final String wire;
    private final String operatorName;

    TableMode(String wire, String operatorName) {
        this.wire = wire;
        this.operatorName = operatorName;
    }

    /** The value in the {@code {ns:s}:mode} hash; null for {@link #KV} (the field is deleted). */
    public String wire() {
        return wire;
    }

    /** What operators see and ask for: {@code kv}, {@code switching} or {@code db}. */
    public String operatorName() {
        return operatorName;
    }

    /** Whether writes of the table must not go to Redis now. */
    public boolean holdsRedisWrites() {
        return this == SWITCHING || this == DB;
    }

    /** The mode of a value of the mode hash (null is {@link #KV}). */
    public static TableMode fromWire(String wire) {
        if (wire == null) {
            return KV;
        }
        for (TableMode m : values()) {
            if (wire.equals(m.wire)) {
                return m;
            }
        }
        throw new IllegalStateException("unknown table mode '" + wire + "' in the mode hash");
    }

    /** The mode an operator asks for: {@code kv} or {@code db}. */
    public static TableMode requested(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (n.equals("kv")) {
            return KV;
        }
        if (n.equals("db")) {
            return DB;
        }
        throw new IllegalArgumentException("mode must be kv or db, got '" + name + "'");
    }
}
