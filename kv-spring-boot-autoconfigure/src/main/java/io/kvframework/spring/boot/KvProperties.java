package io.kvframework.spring.boot;

import io.kvframework.core.SqlDialect;
import io.kvframework.redis.KvOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * KV Framework's settings under {@code kv.*}. Redis comes from {@code spring.data.redis.*} and the
 * database from the application's {@code DataSource}; what is not set keeps the library's default
 * (see docs/configuration.md).
 */
@ConfigurationProperties("kv")
public class KvProperties {
    /** Key namespace: every Redis key starts with {namespace:shard}. Applications sharing a Redis use different namespaces. */
    private String namespace = KvOptions.DEFAULT_NAMESPACE;
    /** Number of stream shards (fixed for the life of a namespace). */
    private Integer shards;
    /** How long a drained row stays in Redis. */
    private Duration defaultTtl;
    /** How long a drained delete's tombstone stays in Redis. */
    private Duration tombstoneTtl;
    /** Largest serialised row in bytes. */
    private Integer maxValueLength;
    /** Bits of the first layer of each shard's key filter (KvOptions.keyFilterInitialBits). */
    private Integer keyFilterInitialBits;
    /** Bits of the fixed key filter earlier versions kept per shard (a power of two), consulted while it exists. */
    private Integer keyFilterBits;
    /** When a create asks the database whether the key exists: when the key filter cannot rule it out, or always. */
    private KvOptions.CreateCheck createCheck;
    /** Timeout of one Redis command. */
    private Duration commandTimeout;
    /** How often an update or delete that lost a race re-reads the row and tries again. */
    private Integer conflictRetries;
    /** The database's dialect, when neither the DataSource's JDBC URL nor the database should be asked (start with it down). */
    private SqlDialect dialect;
    /** Observe repository calls and drained batches with the application's ObservationRegistry (spans in traces). */
    private boolean observations = true;
    /** The embedded drainer. */
    private final Drainer drainer = new Drainer();
    /** The Kafka bridge (needs kv-analytics on the class path). */
    private final Bridge bridge = new Bridge();
    /** The ClickHouse loader (needs kv-analytics on the class path). */
    @NestedConfigurationProperty
    private final KvClickHouseProperties clickhouse = new KvClickHouseProperties();

    /** The client options these properties describe. */
    public KvOptions.Builder options() {
        KvOptions.Builder b = KvOptions.builder().namespace(namespace);
        if (shards != null) {
            b.shards(shards);
        }
        if (defaultTtl != null) {
            b.defaultTtl(defaultTtl);
        }
        if (tombstoneTtl != null) {
            b.tombstoneTtl(tombstoneTtl);
        }
        if (maxValueLength != null) {
            b.maxValueLength(maxValueLength);
        }
        if (keyFilterBits != null) {
            b.keyFilterBits(keyFilterBits);
        }
        if (keyFilterInitialBits != null) {
            b.keyFilterInitialBits(keyFilterInitialBits);
        }
        if (createCheck != null) {
            b.createCheck(createCheck);
        }
        if (commandTimeout != null) {
            b.commandTimeout(commandTimeout);
        }
        if (conflictRetries != null) {
            b.conflictRetries(conflictRetries);
        }
        return b;
    }

    /** The embedded drainer: on by default when the application has a DataSource. */
    public static class Drainer extends KvEngineProperties {
        /** Create the entity tables and the drainer's own tables at start when missing. */
        private boolean createTables;
        /** Keep entries for the Kafka bridge's group too (set when a bridge runs anywhere). */
        private List<String> retainForGroups = new ArrayList<>();
        /** How long applied deletes are remembered. */
        private Duration tombstoneRetention;
        /** Database connections one batch is written over at once (its shards divided among them). */
        private int writeConnections = io.kvframework.drainer.Drainer.DEFAULT_WRITE_CONNECTIONS;

        public Drainer() {
            super(true);
        }

        public boolean isCreateTables() {
            return createTables;
        }

        public void setCreateTables(boolean createTables) {
            this.createTables = createTables;
        }

        public List<String> getRetainForGroups() {
            return retainForGroups;
        }

        public void setRetainForGroups(List<String> retainForGroups) {
            this.retainForGroups = retainForGroups;
        }

        public Duration getTombstoneRetention() {
            return tombstoneRetention;
        }

        public void setTombstoneRetention(Duration tombstoneRetention) {
            this.tombstoneRetention = tombstoneRetention;
        }

        public int getWriteConnections() {
            return writeConnections;
        }

        public void setWriteConnections(int writeConnections) {
            this.writeConnections = writeConnections;
        }
    }

    /** The Kafka bridge: off unless enabled. */
    public static class Bridge extends KvEngineProperties {
        /** Kafka bootstrap servers. */
        private String bootstrapServers;
        /** Topic of each table; {table} is replaced by the table name. */
        private String topicPattern = "kv.{table}";
        /** Partitions of topics the bridge creates. */
        private int partitions = 3;
        /** Replication factor of topics the bridge creates. */
        private short replication = 1;

        public Bridge() {
            super(false);
        }

        public String getBootstrapServers() {
            return bootstrapServers;
        }

        public void setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public String getTopicPattern() {
            return topicPattern;
        }

        public void setTopicPattern(String topicPattern) {
            this.topicPattern = topicPattern;
        }

        public int getPartitions() {
            return partitions;
        }

        public void setPartitions(int partitions) {
            this.partitions = partitions;
        }

        public short getReplication() {
            return replication;
        }

        public void setReplication(short replication) {
            this.replication = replication;
        }
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public Integer getShards() {
        return shards;
    }

    public void setShards(Integer shards) {
        this.shards = shards;
    }

    public Duration getDefaultTtl() {
        return defaultTtl;
    }

    public void setDefaultTtl(Duration defaultTtl) {
        this.defaultTtl = defaultTtl;
    }

    public Duration getTombstoneTtl() {
        return tombstoneTtl;
    }

    public void setTombstoneTtl(Duration tombstoneTtl) {
        this.tombstoneTtl = tombstoneTtl;
    }

    public Integer getMaxValueLength() {
        return maxValueLength;
    }

    public void setMaxValueLength(Integer maxValueLength) {
        this.maxValueLength = maxValueLength;
    }

    public Integer getKeyFilterBits() {
        return keyFilterBits;
    }

    public void setKeyFilterBits(Integer keyFilterBits) {
        this.keyFilterBits = keyFilterBits;
    }

    public Integer getKeyFilterInitialBits() {
        return keyFilterInitialBits;
    }

    public void setKeyFilterInitialBits(Integer keyFilterInitialBits) {
        this.keyFilterInitialBits = keyFilterInitialBits;
    }

    public KvOptions.CreateCheck getCreateCheck() {
        return createCheck;
    }

    public void setCreateCheck(KvOptions.CreateCheck createCheck) {
        this.createCheck = createCheck;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    public Integer getConflictRetries() {
        return conflictRetries;
    }

    public void setConflictRetries(Integer conflictRetries) {
        this.conflictRetries = conflictRetries;
    }

    public SqlDialect getDialect() {
        return dialect;
    }

    public void setDialect(SqlDialect dialect) {
        this.dialect = dialect;
    }

    public boolean isObservations() {
        return observations;
    }

    public void setObservations(boolean observations) {
        this.observations = observations;
    }

    public Drainer getDrainer() {
        return drainer;
    }

    public Bridge getBridge() {
        return bridge;
    }

    public KvClickHouseProperties getClickhouse() {
        return clickhouse;
    }
}
