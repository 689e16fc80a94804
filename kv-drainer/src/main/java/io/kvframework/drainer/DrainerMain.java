package io.kvframework.drainer;

import io.kvframework.core.EntityModel;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone drainer: {@code java -cp <app and kv-drainer jars> io.kvframework.drainer.DrainerMain [config.properties]}.
 *
 * <p>Settings come from the properties file (if given, or {@code KV_DRAINER_CONFIG}) and are
 * overridden by environment variables (the property name upper-cased with {@code _} for {@code .}):
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code kv.redis.url}</td><td>Redis URI ({@code redis://host:port}); or</td><td>required</td></tr>
 *   <tr><td>{@code kv.redis.cluster}</td><td>comma-separated Redis Cluster seed URIs</td><td></td></tr>
 *   <tr><td>{@code kv.database.url}, {@code .user}, {@code .password}</td><td>JDBC URL and credentials</td><td>required</td></tr>
 *   <tr><td>{@code kv.database.pool}</td><td>connection pool size</td><td>4</td></tr>
 *   <tr><td>{@code kv.namespace}, {@code kv.shards}</td><td>as in {@code KvOptions}; must match the application</td><td>kv, 64</td></tr>
 *   <tr><td>{@code kv.drainer.models}</td><td>comma-separated classes holding a static {@code MODEL} (the generated {@code *Table} classes)</td><td>required</td></tr>
 *   <tr><td>{@code kv.drainer.instance}</td><td>instance name</td><td>random</td></tr>
 *   <tr><td>{@code kv.drainer.batch-size}</td><td>entries per batch</td><td>1000</td></tr>
 *   <tr><td>{@code kv.drainer.retain-for-groups}</td><td>other consumer groups trimming must wait for (for example {@code analytics})</td><td></td></tr>
 *   <tr><td>{@code kv.drainer.create-tables}</td><td>create missing tables at start</td><td>false</td></tr>
 *   <tr><td>{@code kv.drainer.lease-ttl-ms}</td><td>shard lease time to live (renewed every quarter of it)</td><td>10000</td></tr>
 *   <tr><td>{@code kv.drainer.poll-ms}</td><td>pause when every owned shard is empty</td><td>10</td></tr>
 * </table>
 *
 * SIGTERM (and Ctrl-C) stop it like {@link Drainer#close()}: the batch in flight is committed and
 * acknowledged and the leases are released. Exit code 0 after a clean stop, 2 on bad configuration.
 */
public final class DrainerMain {
    private DrainerMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties p;
        Drainer drainer;
        KvClient kv;
        try {
            p = load(args);
            kv = client(p);
            drainer = Drainer.builder(kv)
                    .jdbc(required(p, "kv.database.url"), p.getProperty("kv.database.user", ""), p.getProperty("kv.database.password", ""),
                            Integer.parseInt(p.getProperty("kv.database.pool", "4")))
                    .models(models(required(p, "kv.drainer.models")))
                    .createTables(Boolean.parseBoolean(p.getProperty("kv.drainer.create-tables", "false")))
                    .engineOptions(engineOptions(p))
                    .build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("kv-drainer: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Drainer running = drainer;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("kv-drainer: stopping instance " + running.engine().instanceId());
            running.close();
            kv.close();
            System.out.println("kv-drainer: stopped");
            stopped.countDown();
        }, "kv-drainer-shutdown"));
        drainer.start();
        System.out.println("kv-drainer: started instance " + drainer.engine().instanceId());
        stopped.await();
    }

    private static Properties load(String[] args) throws IOException {
        Properties p = new Properties();
        String file = args.length > 0 ? args[0] : System.getenv("KV_DRAINER_CONFIG");
        if (file != null) {
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                p.load(in);
            }
        }
        for (String name : List.of("kv.redis.url", "kv.redis.cluster", "kv.database.url", "kv.database.user", "kv.database.password",
                "kv.database.pool", "kv.namespace", "kv.shards", "kv.drainer.models", "kv.drainer.instance", "kv.drainer.batch-size",
                "kv.drainer.retain-for-groups", "kv.drainer.create-tables", "kv.drainer.lease-ttl-ms", "kv.drainer.poll-ms")) {
            String env = System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            if (env != null && !env.isBlank()) {
                p.setProperty(name, env);
            }
        }
        return p;
    }

    private static KvClient client(Properties p) {
        KvOptions options = KvOptions.builder().namespace(p.getProperty("kv.namespace", KvOptions.DEFAULT_NAMESPACE))
                .shards(Integer.parseInt(p.getProperty("kv.shards", Integer.toString(KvOptions.DEFAULT_SHARDS)))).build();
        KvClient.Builder b = KvClient.builder().options(options);
        String cluster = p.getProperty("kv.redis.cluster");
        if (cluster != null && !cluster.isBlank()) {
            b.redisCluster(Arrays.stream(cluster.split(",")).map(String::trim).map(RedisURI::create).toList());
        } else {
            b.redis(RedisURI.create(required(p, "kv.redis.url")));
        }
        return b.build();
    }

    private static EngineOptions engineOptions(Properties p) {
        EngineOptions.Builder b = EngineOptions.builder(Drainer.GROUP)
                .batchSize(Integer.parseInt(p.getProperty("kv.drainer.batch-size", Integer.toString(EngineOptions.DEFAULT_BATCH_SIZE))));
        String instance = p.getProperty("kv.drainer.instance");
        if (instance != null && !instance.isBlank()) {
            b.instanceId(instance);
        }
        String retain = p.getProperty("kv.drainer.retain-for-groups");
        if (retain != null && !retain.isBlank()) {
            b.retainForGroups(Arrays.stream(retain.split(",")).map(String::trim).toList());
        }
        String poll = p.getProperty("kv.drainer.poll-ms");
        if (poll != null && !poll.isBlank()) {
            b.pollInterval(Duration.ofMillis(Long.parseLong(poll)));
        }
        String lease = p.getProperty("kv.drainer.lease-ttl-ms");
        if (lease != null && !lease.isBlank()) {
            Duration ttl = Duration.ofMillis(Long.parseLong(lease));
            b.leaseTtl(ttl).leaseRenewInterval(ttl.dividedBy(4));
        }
        return b.build();
    }

    private static List<EntityModel<?>> models(String classes) {
        List<EntityModel<?>> models = new ArrayList<>();
        for (String name : classes.split(",")) {
            String className = name.trim();
            try {
                Field field = Class.forName(className).getField("MODEL");
                if (!Modifier.isStatic(field.getModifiers()) || !(field.get(null) instanceof EntityModel<?> model)) {
                    throw new IllegalArgumentException("kv.drainer.models: " + className + ".MODEL is not a static EntityModel");
                }
                models.add(model);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("kv.drainer.models: class " + className + " is not on the class path");
            } catch (NoSuchFieldException | IllegalAccessException e) {
                throw new IllegalArgumentException("kv.drainer.models: " + className + " has no public static MODEL field");
            }
        }
        return models;
    }

    private static String required(Properties p, String name) {
        String v = p.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing setting " + name + " (or environment variable "
                    + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') + ")");
        }
        return v;
    }
}
