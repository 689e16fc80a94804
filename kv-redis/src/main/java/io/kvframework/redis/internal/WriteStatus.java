package io.kvframework.redis.internal;

/** The outcome of one row write: {@code write.lua}'s first reply element, or the repository's own in database mode. */
enum WriteStatus {
    /** Written (in Redis with its stream event, or in the database in database mode). */
    OK("ok"),
    /** Create of a key that is live in Redis. */
    DUPLICATE("dup"),
    /** Create of a key the key filter may have seen: the caller asks the database, then writes without the check. */
    CHECK_DATABASE("check"),
    /** The table is in database mode or switching; nothing written. The reply carries the {@link io.kvframework.redis.TableMode}. */
    TABLE_MODE("mode"),
    /** The expected version is not the row's. */
    CONFLICT("conflict"),
    /** Update or delete of a key Redis does not hold. */
    MISSING("missing"),
    /** Update or delete of a deleted row (a tombstone). */
    GONE("gone"),
    /** Not a script reply: the table was switching, the caller waited, and the write must be tried again. */
    RETRY(null);

    private final String wire;

    WriteStatus(String wire) {
        this.wire = wire;
    }

    static WriteStatus fromWire(String wire) {
        for (WriteStatus s : values()) {
            if (s.wire != null && s.wire.equals(wire)) {
                return s;
            }
        }
        throw new IllegalStateException("write.lua replied with an unknown status '" + wire + "'");
    }

    /** Whether the write lost to the row's current state (another writer, a delete): re-read and try again. */
    boolean lostRace() {
        return this == CONFLICT || this == MISSING || this == GONE;
    }
}
