package io.kvframework.redis;

import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.support.KeyEncoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The Redis key layout. Every key of shard {@code s} starts with the hash tag <code>{ns:s}</code>,
 * so a row, its shard's stream, its index entries and its shard's key filter live in one hash slot
 * and one Lua script can change them atomically, on Redis Cluster too.
 *
 * <pre>
 * {ns:s}:r:&lt;table&gt;:&lt;pk&gt;                    row hash: one field per column, _v version, _d=1 tombstone
 * {ns:s}:stream                          the shard's change stream
 * {ns:s}:i:&lt;table&gt;:&lt;index&gt;:&lt;values&gt;       index set of primary keys in shard s
 * {ns:s}:bloom                           key filter (bitmap) of shard s
 * {ns:s}:expiry                          sorted set: cached rows to evict, by due time
 * {ns:s}:mode                            hash: table → mode, for tables not in plain KV mode
 * {ns:s}:u:&lt;table&gt;:&lt;index&gt;:&lt;values&gt;       owner of a unique value (s = shard of the value)
 * {ns:s}:dlq:&lt;group&gt;                    dead letters of consumer group &lt;group&gt; in shard s
 * </pre>
 *
 * {@code pk} is the primary key's parts, each percent-encoded ({@link KeyEncoding}) and joined by
 * {@code :}; index values likewise, with {@code ~} for null. The shard of a row is
 * {@code crc32c(table + ":" + pk) mod shards}.
 */
public final class KvKeys {
    private final String namespace;
    private final int shards;
    /** The hash tag of each shard, made once (every key name starts with one). */
    private final String[] tags;

    public KvKeys(String namespace, int shards) {
        this.namespace = namespace;
        this.shards = shards;
        this.tags = new String[Math.max(0, shards)];
        for (int s = 0; s < tags.length; s++) {
            tags[s] = "{" + namespace + ":" + s + "}";
        }
    }

    public int shards() {
        return shards;
    }

    public String namespace() {
        return namespace;
    }

    /** The shard of a row. */
    public int shard(String table, String pk) {
        CRC32C crc = new CRC32C();
        crc.update((table + ":" + pk).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    public String tag(int shard) {
        return shard >= 0 && shard < tags.length ? tags[shard] : "{" + namespace + ":" + shard + "}";
    }

    public String rowKey(int shard, String table, String pk) {
        return tag(shard) + ":r:" + table + ":" + pk;
    }

    /** Pattern matching every key of this namespace (for {@code SCAN}; a hash tag of each shard starts {@code {ns:}). */
    public String namespacePattern() {
        return "{" + namespace + ":*";
    }

    /** Pattern matching every row key of {@code table} in every shard, for {@code SCAN}. */
    public String rowKeyPattern(String table) {
        return "{" + namespace + ":*}:r:" + table + ":*";
    }

    /** The encoded primary key in a row key of {@code table} ({@link #rowKey}'s inverse). */
    public String primaryKeyOfRowKey(String table, String rowKey) {
        String marker = "}:r:" + table + ":";
        int at = rowKey.indexOf(marker);
        if (at < 0 || !rowKey.startsWith("{" + namespace + ":")) {
            throw new IllegalArgumentException("'" + rowKey + "' is not a row key of " + table + " in namespace " + namespace);
        }
        return rowKey.substring(at + marker.length());
    }

    /** A consumer group's lease of a shard: {@code <owner>|<fence>}. */
    public String leaseKey(int shard, String group) {
        return tag(shard) + ":lease:" + group;
    }

    /** A consumer group's fencing-token counter of a shard: each new owner gets a larger token. */
    public String fenceKey(int shard, String group) {
        return tag(shard) + ":fence:" + group;
    }

    /** The live instances of a consumer group (sorted set: instance, scored by its last heartbeat), for fair shard sharing. */
    public String membersKey(String group) {
        return "{" + namespace + "}:members:" + group;
    }

    public String streamKey(int shard) {
        return tag(shard) + ":stream";
    }

    /** The key filter of a shard, which grows with the keys it holds (see {@code common.lua}, {@code kv_filter}). */
    public String filterKey(int shard) {
        return tag(shard) + ":filter";
    }

    /**
     * The fixed-size key filter earlier versions kept per shard: scripts still consult it while it
     * exists, so that a row created under it and evicted since is still asked for in the database.
     */
    public String bloomKey(int shard) {
        return tag(shard) + ":bloom";
    }

    public String expiryKey(int shard) {
        return tag(shard) + ":expiry";
    }

    /**
     * Per-shard table modes (hash: table → {@code db}, {@code draining} or {@code checked}); absent
     * means KV mode. Every shard holds the same content, so that the write script can read it in its
     * own hash slot.
     */
    public String modeKey(int shard) {
        return tag(shard) + ":mode";
    }

    /** Hash of mode switches asked for by operators and not yet taken by a drainer: table → {@code <mode>|<request id>}. */
    public String modeRequestsKey() {
        return tag(0) + ":mode-requests";
    }

    /** Hash of the outcome of the last switch per table: {@code <request id> ok:<mode>} or {@code <request id> error:<message>}. */
    public String modeResultsKey() {
        return tag(0) + ":mode-results";
    }

    /** Hash of switches withdrawn while a drainer performs them: table → request id. */
    public String modeCancelKey() {
        return tag(0) + ":mode-cancel";
    }

    /** The dead-letter stream of a consumer group in a shard. */
    public String deadLetterKey(int shard, String group) {
        return tag(shard) + ":dlq:" + group;
    }

    /** Prefix of the index keys of {@code table} in {@code shard}; the index name and values follow. */
    public String indexPrefix(int shard, String table) {
        return tag(shard) + ":i:" + table + ":";
    }

    public String indexKey(int shard, String table, String index, String encodedValues) {
        return indexPrefix(shard, table) + index + ":" + encodedValues;
    }

    /** The shard holding the claim of a unique value. */
    public int uniqueShard(String table, String index, String encodedValues) {
        return shard(table + ":" + index, encodedValues);
    }

    public String uniqueKey(String table, String index, String encodedValues) {
        return tag(uniqueShard(table, index, encodedValues)) + ":u:" + table + ":" + index + ":" + encodedValues;
    }

    /** Every stream key, shard 0 first. */
    public List<String> streamKeys() {
        List<String> keys = new ArrayList<>(shards);
        for (int s = 0; s < shards; s++) {
            keys.add(streamKey(s));
        }
        return keys;
    }

    /** The encoded primary key of column values (by model position). */
    public static String primaryKey(EntityModel<?> model, Object[] values) {
        return KeyEncoding.primaryKey(model, values);
    }

    /** The encoded values of an index over column values (by model position); null is {@code ~}. */
    public static String indexValues(IndexDefinition index, Object[] values) {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (var column : index.columns()) {
            Object v = values[column.position()];
            if (!first) {
                out.append(':');
            }
            first = false;
            out.append(v == null ? KeyEncoding.NULL : KeyEncoding.encode(column.encode(v)));
        }
        return out.toString();
    }

    /** Splits an encoded primary key back into decoded canonical strings, one per key column. */
    public static List<String> splitPrimaryKey(String pk) {
        List<String> parts = new ArrayList<>();
        for (String part : pk.split(":", -1)) {
            parts.add(KeyEncoding.decode(part));
        }
        return parts;
    }

    /**
     * Key-filter bit positions of a key: 4 positions by double hashing over a 64-bit FNV-1a hash with
     * a SplitMix64 finaliser. (Not CRC32C: the shard is CRC32C of the same bytes, and CRC is linear,
     * so positions derived from it would be correlated with the shard and with each other.)
     */
    public long[] filterBits(String table, String pk, int bitsPerShard) {
        long[] h = filterHash(table, pk);
        long[] bits = new long[4];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (h[0] + i * h[1]) & (bitsPerShard - 1L);
        }
        return bits;
    }

    /**
     * The two 32-bit hashes a key's filter positions come from ({@code h1 + i * h2} modulo a layer's
     * size, i = 0..3; h2 is odd): a 64-bit FNV-1a hash with a SplitMix64 finaliser, split in halves.
     */
    public long[] filterHash(String table, String pk) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (table + ":" + pk).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return new long[] {h >>> 32, (h & 0xffffffffL) | 1};
    }
}
