package io.kvframework.bench;

import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.support.Script;
import io.kvframework.sql.SqlDatabase;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/** Baselines of the repository comparisons that need their own set-up. */
final class BaselineOps {
    /**
     * The least Lua that has the effect of a create: the row hash, one SADD per index, the stream
     * entry; no mode, filter, duplicate or image work. Its Redis CPU per operation is the floor.
     */
    static final String SAME_EFFECT = "redis.call('HSET', KEYS[1], unpack(ARGV, 4)) redis.call('SADD', KEYS[3], ARGV[1])"
            + " redis.call('SADD', KEYS[4], ARGV[1]) return redis.call('XADD', KEYS[2], '*', 'table', 'bench_orders', 'op', 'c',"
            + " 'key', ARGV[1], 'version', '1', 'ts', ARGV[2], 'row', ARGV[3])";

    private BaselineOps() {
    }

    /** A create through raw Lettuce: {@code EVALSHA} of createWithKV's own script with the arguments createWithKV sends. */
    static Harness.Op rawCreate(KvClient kv, RedisCommands<String, String> sync) {
        Script write = Script.loadRowScript("write");
        sync.scriptLoad(write.source());
        KvKeys keys = kv.keys();
        return n -> {
            String pk = "r" + n;
            int shard = keys.shard("bench_orders", pk);
            long[] hash = keys.filterHash("bench_orders", pk);
            String city = "city-" + (n % 100);
            String status = n % 2 == 0 ? "NEW" : "PAID";
            String customer = "customer-" + (n % 1000);
            String qty = Long.toString(n % 7);
            String at = Instant.ofEpochSecond(1_700_000_000L + n).toString();
            // the arguments createWithKV sends: no index specs, the event row as JSON, the new row's index keys
            String json = "{\"id\":\"" + pk + "\",\"city\":\"" + city + "\",\"status\":\"" + status + "\",\"customer\":\"" + customer
                    + "\",\"total\":\"19.99\",\"qty\":\"" + qty + "\",\"created_at\":\"" + at + "\",\"note\":\"benchmark row\"}";
            sync.evalsha(write.sha(), ScriptOutputType.MULTI,
                    new String[] {keys.rowKey(shard, "bench_orders", pk), keys.streamKey(shard), keys.filterKey(shard), keys.modeKey(shard),
                        keys.bloomKey(shard)},
                    "c", "", "bench_orders", pk, "b", keys.indexPrefix(shard, "bench_orders"), "4", Long.toString(hash[0]), Long.toString(hash[1]),
                    Integer.toString(kv.options().keyFilterBits()), Integer.toString(kv.options().keyFilterInitialBits()), "0",
                    "8", "id", pk, "city", city, "status", status, "customer", customer, "total", "19.99", "qty", qty, "created_at", at,
                    "note", "benchmark row", "0", json, "2", keys.indexKey(shard, "bench_orders", "by_city", city),
                    keys.indexKey(shard, "bench_orders", "by_status", status));
        };
    }

    static Harness.Op sameEffectCreate(KvClient kv, RedisCommands<String, String> sync) {
        String sha = sync.scriptLoad(SAME_EFFECT);
        KvKeys keys = kv.keys();
        return n -> {
            String pk = "x" + n;
            int shard = keys.shard("bench_orders", pk);
            String city = "city-" + (n % 100);
            String status = n % 2 == 0 ? "NEW" : "PAID";
            String json = "{\"id\":\"" + pk + "\",\"city\":\"" + city + "\",\"status\":\"" + status + "\",\"total\":\"19.99\"}";
            sync.evalsha(sha, ScriptOutputType.VALUE, new String[] {keys.rowKey(shard, "bench_orders", pk), keys.streamKey(shard),
                keys.indexKey(shard, "bench_orders", "by_city", city), keys.indexKey(shard, "bench_orders", "by_status", status)},
                    pk, Long.toString(System.currentTimeMillis()), json, "id", pk, "city", city, "status", status, "customer",
                    "customer-" + (n % 1000), "total", "19.99", "qty", Long.toString(n % 7), "created_at",
                    Instant.ofEpochSecond(1_700_000_000L + n).toString(), "note", "benchmark row", "_v", "1");
        };
    }

    /** Ours and the baseline of the miss path: rows only in PostgreSQL read through the repository vs a prepared select by key. */
    static Harness.Op[] miss(KvClient kv, KvRepository<BenchOrder> repo, boolean quick) {
        int pool = quick ? 250_000 : 1_500_000;
        SqlDatabase.of(kv.database()).dsl().execute("insert into bench_orders (id, city, status, customer, total, qty, created_at, note, version)"
                + " select 'm' || g, 'city-' || (g % 100), 'NEW', 'customer-' || (g % 1000), 19.99, g % 7, now(), 'benchmark row', 1"
                + " from generate_series(0, " + (pool - 1) + ") g");
        SqlDatabase.of(kv.database()).dsl().execute("analyze bench_orders");
        AtomicLong next = new AtomicLong();
        Harness.Op ours = n -> {
            long i = next.getAndIncrement();
            if (i >= pool) {
                throw new IllegalStateException("the miss benchmark ran out of uncached rows (" + pool + ")");
            }
            if (repo.findOneWithKV(BenchOrderTable.ID.eq("m" + i)).isEmpty()) {
                throw new IllegalStateException("row m" + i + " not found in the database");
            }
        };
        DataSource ds = kv.dataSource();
        Harness.Op base = n -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select * from bench_orders where id = ?")) {
                ps.setString(1, "m" + (n % pool));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("row missing");
                    }
                }
            }
        };
        return new Harness.Op[] {ours, base};
    }
}
