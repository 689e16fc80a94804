package io.kvframework.redis;

/**
 * What operators and the drainer do to the cache besides reads and writes: evict rows, take a
 * table out of the cache, read and set table modes. Obtained from {@link KvClient#admin()}; the
 * drainer and the CLI use it instead of reaching into the repository or issuing raw commands.
 */
public interface KvAdmin {

    /**
     * Removes a cached row of {@code table} and its index entries if its version is still
     * {@code version} (any version when negative), and removes {@code scheduleMember} (may be null)
     * from its shard's expiry schedule.
     *
     * @return 1 evicted, 0 absent, -1 changed since (kept)
     */
    long evict(String table, String pk, long version, String scheduleMember);

    /** Evicts every cached row of {@code table} (SCAN of its row keys); returns how many were removed. */
    int evictAll(String table);

    /**
     * Evicts the rows of {@code shard} whose time in the cache is up ({@code {ns:s}:expiry} members
     * due by {@code nowMillis}, at most {@code limit}), each only if unchanged since it was
     * scheduled; a member whose table is not registered is dropped. Returns how many were evicted.
     */
    int evictDue(int shard, long nowMillis, int limit);

    /** The mode of a table. */
    TableMode mode(String table);

    /** Sets the mode of a table in every shard's mode hash ({@link TableMode#KV} removes the entry). */
    void setMode(String table, TableMode mode);
}
