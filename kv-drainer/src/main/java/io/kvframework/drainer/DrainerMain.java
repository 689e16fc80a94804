package io.kvframework.drainer;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.config.KvSettings;
import io.kvframework.redis.config.Setting;
import io.kvframework.redis.config.StandaloneProcess;
import io.kvframework.stream.EngineOptions;
import java.time.Duration;

/**
 * The standalone drainer: {@code java -cp <app and kv-drainer jars> io.kvframework.drainer.DrainerMain [settings.properties]}.
 *
 * <p>Settings ({@link Setting}, listed in docs/configuration.md) come from the properties file
 * (the argument, or {@code KV_CONFIG}, or {@code KV_DRAINER_CONFIG}) and are overridden by
 * environment variables ({@code kv.redis.url} → {@code KV_REDIS_URL}): {@code kv.redis.url} or
 * {@code kv.redis.cluster}, {@code kv.namespace}, {@code kv.shards}, {@code kv.database.*},
 * {@code kv.drainer.*}.
 *
 * SIGTERM (and Ctrl-C) stop it like {@link Drainer#close()}: the batch in flight is committed and
 * acknowledged and the leases are released. Exit code 0 after a clean stop, 2 on bad configuration.
 */
public final class DrainerMain {
    private DrainerMain() {
    }

    public static void main(String[] args) throws Exception {
        String[] file = args.length == 0 && System.getenv("KV_DRAINER_CONFIG") != null ? new String[] {System.getenv("KV_DRAINER_CONFIG")}
                : args;
        StandaloneProcess.run("kv-drainer", file, DrainerMain::create);
    }

    static StandaloneProcess.Service create(KvSettings s) {
        KvClient kv = s.client().build();
        Drainer drainer;
        try {
            drainer = Drainer.builder(kv)
                    .jdbc(s.required(Setting.DATABASE_URL), s.get(Setting.DATABASE_USER), s.get(Setting.DATABASE_PASSWORD),
                            s.integer(Setting.DATABASE_POOL))
                    .models(s.models(Setting.DRAINER_MODELS))
                    .createTables(s.bool(Setting.DRAINER_CREATE_TABLES))
                    .writeConnections(s.integer(Setting.DRAINER_WRITE_CONNECTIONS))
                    .engineOptions(engineOptions(s))
                    .build();
        } catch (RuntimeException e) {
            kv.close();
            throw e;
        }
        return StandaloneProcess.Service.of(drainer::start, () -> "instance " + drainer.engine().instanceId(), drainer, kv);
    }

    static EngineOptions engineOptions(KvSettings s) {
        Duration ttl = s.millis(Setting.DRAINER_LEASE_TTL_MS);
        EngineOptions.Builder b = EngineOptions.builder(Drainer.GROUP).batchSize(s.integer(Setting.DRAINER_BATCH_SIZE))
                .pollInterval(s.millis(Setting.DRAINER_POLL_MS)).leaseTtl(ttl).leaseRenewInterval(ttl.dividedBy(4))
                .retainForGroups(s.list(Setting.DRAINER_RETAIN_FOR_GROUPS));
        String instance = s.get(Setting.DRAINER_INSTANCE);
        if (instance != null) {
            b.instanceId(instance);
        }
        return b.build();
    }
}
