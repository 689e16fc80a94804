package io.kvframework.spring.boot;

import java.time.Duration;

/** The ClickHouse loader (reads the bridge's topics): off unless enabled. */
public class KvClickHouseProperties {
    /** Whether the loader runs in this application. */
    private boolean enabled;
    /** ClickHouse HTTP endpoint, for example http://localhost:8123. */
    private String url;
    /** ClickHouse user. */
    private String user = "default";
    /** ClickHouse password. */
    private String password = "";
    /** ClickHouse database of the tables (created if missing). */
    private String database = "kv";
    /** Kafka bootstrap servers (default: the bridge's). */
    private String bootstrapServers;
    /** Rows per insert. */
    private int batchSize = 5000;
    /** Longest wait before a partial batch is inserted. */
    private Duration linger = Duration.ofSeconds(1);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public Duration getLinger() {
        return linger;
    }

    public void setLinger(Duration linger) {
        this.linger = linger;
    }
}
