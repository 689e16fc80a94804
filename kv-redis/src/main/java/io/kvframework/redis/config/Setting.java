package io.kvframework.redis.config;

import java.util.Locale;

/**
 * Every setting the standalone processes ({@code DrainerMain}, {@code KafkaBridgeMain},
 * {@code ClickHouseSinkMain}) and the operator CLI read, with one name each: a property name
 * ({@code kv.redis.url}) that is also an environment variable in upper case with {@code _}
 * ({@code KV_REDIS_URL}). docs/configuration.md lists them, checked by a test.
 */
public enum Setting {
    REDIS_URL("kv.redis.url", null, "Redis URI (redis://host:port, rediss:// for TLS)"),
    REDIS_CLUSTER("kv.redis.cluster", null, "comma-separated Redis Cluster seed URIs, instead of kv.redis.url"),
    NAMESPACE("kv.namespace", "kv", "key namespace (KvOptions.namespace); must match the application"),
    SHARDS("kv.shards", "64", "stream shards (KvOptions.shards); must match the application"),
    DATABASE_URL("kv.database.url", null, "JDBC URL of the application's database"),
    DATABASE_USER("kv.database.user", "", "database user"),
    DATABASE_PASSWORD("kv.database.password", "", "database password"),
    DATABASE_POOL("kv.database.pool", "4", "connection pool size"),
    DRAINER_MODELS("kv.drainer.models", null, "comma-separated classes with a public static MODEL (the generated <Entity>Table)"),
    DRAINER_INSTANCE("kv.drainer.instance", null, "the drainer instance's name (random when unset)"),
    DRAINER_BATCH_SIZE("kv.drainer.batch-size", "1000", "entries per batch"),
    DRAINER_WRITE_CONNECTIONS("kv.drainer.write-connections", "2", "database connections one batch is written over at once"),
    DRAINER_POLL_MS("kv.drainer.poll-ms", "10", "pause in ms when every owned shard is empty"),
    DRAINER_LEASE_TTL_MS("kv.drainer.lease-ttl-ms", "10000", "shard lease time to live in ms (renewed every quarter of it)"),
    DRAINER_RETAIN_FOR_GROUPS("kv.drainer.retain-for-groups", null, "other consumer groups trimming waits for (for example analytics)"),
    DRAINER_CREATE_TABLES("kv.drainer.create-tables", "false", "create missing tables at start"),
    KAFKA_BOOTSTRAP("kv.kafka.bootstrap", null, "Kafka bootstrap servers"),
    BRIDGE_TOPIC_PATTERN("kv.bridge.topic-pattern", "kv.{table}", "Kafka topic per table"),
    BRIDGE_PARTITIONS("kv.bridge.partitions", "3", "partitions of topics the bridge creates"),
    BRIDGE_REPLICATION("kv.bridge.replication", "1", "replication factor of topics the bridge creates"),
    BRIDGE_INSTANCE("kv.bridge.instance", null, "the bridge instance's name (random when unset)"),
    BRIDGE_LEASE_TTL_MS("kv.bridge.lease-ttl-ms", "10000", "shard lease time to live in ms"),
    CLICKHOUSE_URL("kv.clickhouse.url", null, "ClickHouse HTTP endpoint (http://host:8123)"),
    CLICKHOUSE_USER("kv.clickhouse.user", "default", "ClickHouse user"),
    CLICKHOUSE_PASSWORD("kv.clickhouse.password", "", "ClickHouse password"),
    CLICKHOUSE_DATABASE("kv.clickhouse.database", "kv", "ClickHouse database of the tables (created if missing)"),
    SINK_MODELS("kv.sink.models", null, "comma-separated classes with a public static MODEL, for the ClickHouse loader"),
    SINK_BATCH_SIZE("kv.sink.batch-size", "5000", "rows per ClickHouse insert"),
    SINK_LINGER_MS("kv.sink.linger-ms", "500", "longest wait in ms for a batch to fill");

    private final String property;
    private final String defaultValue;
    private final String description;

    Setting(String property, String defaultValue, String description) {
        this.property = property;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The property name, for example {@code kv.redis.url}. */
    public String property() {
        return property;
    }

    /** The environment variable, for example {@code KV_REDIS_URL}. */
    public String env() {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The default, or null when the setting has none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
