package io.kvframework.bench;

import io.kvframework.bench.baseline.SdOrder;
import io.kvframework.bench.baseline.SpringDataRedis;
import io.kvframework.core.KvRepository;
import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.stream.EngineOptions;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Redis bytes per row: {@code MEMORY USAGE <key> SAMPLES 0} summed over every key of the library's
 * namespace (rows, index sets, stream entries, key filter, eviction schedule) divided by the rows,
 * before and after the drainer ran, against the same rows saved by a Spring Data Redis repository.
 */
final class MemoryBench {
    private final boolean quick;

    MemoryBench(boolean quick) {
        this.quick = quick;
    }

    List<Map<String, Object>> run() throws Exception {
        int rows = quick ? 10_000 : 1_000_000;
        RedisServer redis = Servers.redis();
        TestNamespace ns = TestNamespace.create();
        List<Map<String, Object>> out = new ArrayList<>();
        RedisClient raw = RedisClient.create(redis.redisUri());
        try (IsolatedDatabase db = Servers.postgres().isolated(ns.value());
                KvClient kv = KvClient.builder().redis(redis.redisUri()).dataSource(db.dataSource())
                        .options(KvOptions.builder().namespace(ns.value()).defaultTtl(Duration.ofHours(1)).build()).build();
                SpringDataRedis spring = new SpringDataRedis(redis);
                StatefulRedisConnection<String, String> connection = raw.connect()) {
            RedisAsyncCommands<String, String> redisAsync = connection.async();
            KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
            // the table exists, as in an application: a create the key filter calls "maybe" asks the database
            DrainBench.createTable(kv);
            DrainBench.fill(repo, "m", rows);
            List<SdOrder> batch = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                batch.add(SdOrder.sample("m" + i, i));
                if (batch.size() == 1000) {
                    spring.repository().saveAll(batch);
                    batch.clear();
                }
            }
            Map<String, Long> springBytes = usage(redisAsync, SpringDataRedis.KEYSPACE + "*", key -> key.contains(":city:")
                    || key.contains(":status:") ? "index" : key.endsWith(":idx") ? "index" : key.equals(SpringDataRedis.KEYSPACE) ? "keyspace set" : "row");
            Map<String, Long> before = usage(redisAsync, "{" + ns.value() + ":*", MemoryBench::kind);
            try (Drainer drainer = Drainer.builder(kv).models(BenchOrderTable.MODEL).createTables(true)
                    .engineOptions(EngineOptions.builder(Drainer.GROUP).batchSize(2000).maintenanceInterval(Duration.ofMillis(200)).build())
                    .build().start()) {
                if (!drainer.awaitDrained(Duration.ofMinutes(5))) {
                    throw new IllegalStateException("the drainer did not drain " + rows + " rows");
                }
                // trimming runs in the drainer's maintenance: wait until each shard keeps at most its last entry
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (streamEntries(redisAsync, kv) > kv.keys().shards() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
            Map<String, Long> after = usage(redisAsync, "{" + ns.value() + ":*", MemoryBench::kind);
            out.add(row("Redis bytes per row before the drain (row, indexes, stream entry) vs Spring Data Redis", before, springBytes, rows));
            out.add(row("Redis bytes per row after the drain (stream trimmed, eviction scheduled) vs Spring Data Redis", after, springBytes,
                    rows));
            // the key filter grows with the keys (one layer of 1 KiB per shard up to 256 keys): shown on its own
            Map<String, Long> perRowOnly = new TreeMap<>(before);
            perRowOnly.remove("key filter");
            out.add(row("Redis bytes per row before the drain without the key filter vs Spring Data Redis", perRowOnly,
                    springBytes, rows));
        } finally {
            raw.shutdown();
        }
        return out;
    }

    private static Map<String, Object> row(String name, Map<String, Long> ours, Map<String, Long> spring, int rows) {
        double o = ours.values().stream().mapToLong(Long::longValue).sum() / (double) rows;
        double s = spring.values().stream().mapToLong(Long::longValue).sum() / (double) rows;
        Map<String, Object> row = Results.row(name + " (" + rows + " rows)", o, s, "bytes/row", "lower");
        row.put("ours_by_kind", perRow(ours, rows));
        row.put("baseline_by_kind", perRow(spring, rows));
        return row;
    }

    private static Map<String, Double> perRow(Map<String, Long> bytes, int rows) {
        Map<String, Double> out = new LinkedHashMap<>();
        bytes.forEach((k, v) -> out.put(k, Results.round2(v / (double) rows)));
        return out;
    }

    /** What a key of the namespace holds. */
    private static String kind(String key) {
        if (key.contains(":r:")) {
            return "row";
        }
        if (key.contains(":i:") || key.contains(":u:")) {
            return "index";
        }
        if (key.endsWith(":stream")) {
            return "stream";
        }
        if (key.endsWith(":filter") || key.endsWith(":bloom")) {
            return "key filter";
        }
        if (key.endsWith(":expiry")) {
            return "eviction schedule";
        }
        return "other";
    }

    private static long streamEntries(RedisAsyncCommands<String, String> redis, KvClient kv) throws Exception {
        long total = 0;
        for (String stream : kv.keys().streamKeys()) {
            total += redis.xlen(stream).get(10, TimeUnit.SECONDS);
        }
        return total;
    }

    /** Bytes by kind of every key matching {@code pattern} ({@code MEMORY USAGE key SAMPLES 0}, pipelined). */
    private static Map<String, Long> usage(RedisAsyncCommands<String, String> redis, String pattern, Function<String, String> kindOf)
            throws Exception {
        Map<String, Long> bytes = new TreeMap<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000)).get(30, TimeUnit.SECONDS);
            List<RedisFuture<Long>> sizes = new ArrayList<>();
            for (String key : page.getKeys()) {
                sizes.add(redis.dispatch(CommandType.MEMORY, new IntegerOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("USAGE").addKey(key).add("SAMPLES").add(0)));
            }
            for (int i = 0; i < sizes.size(); i++) {
                Long size = sizes.get(i).get(30, TimeUnit.SECONDS);
                bytes.merge(kindOf.apply(page.getKeys().get(i)), size == null ? 0 : size, Long::sum);
            }
            cursor = page;
        } while (!cursor.isFinished());
        return bytes;
    }
}
