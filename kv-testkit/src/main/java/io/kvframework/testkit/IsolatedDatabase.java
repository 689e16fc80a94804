package io.kvframework.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A database (MariaDB) or schema (PostgreSQL) that belongs to one test, with a small connection
 * pool. Closing it closes the pool and drops the database or schema.
 */
public final class IsolatedDatabase implements AutoCloseable {
    private final JdbcServer server;
    private final String name;
    private final String jdbcUrl;
    private final HikariDataSource dataSource;

    IsolatedDatabase(JdbcServer server, String name, String jdbcUrl, HikariDataSource dataSource) {
        this.server = server;
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.dataSource = dataSource;
    }

    /** Name of the schema (PostgreSQL) or database (MariaDB). */
    public String name() {
        return name;
    }

    /** JDBC URL whose default schema or database is this one. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A pooled DataSource whose connections use this schema or database. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * A new pool whose connections reach this database through {@code proxy} (a {@link TcpProxy}
     * to {@link #server()}), for tests that cut the network path. Connecting gives up after
     * {@code timeout}; a statement on a connection that stopped answering after 10 s. The caller
     * closes the pool.
     */
    public HikariDataSource dataSourceVia(TcpProxy proxy, Duration timeout, int poolSize) {
        String direct = server.host() + ":" + server.port();
        int at = jdbcUrl.indexOf(direct);
        if (at < 0) {
            throw new IllegalStateException("kv-testkit: cannot route " + jdbcUrl + " through a proxy: it does not name " + direct);
        }
        String url = jdbcUrl.substring(0, at) + proxy.host() + ":" + proxy.port() + jdbcUrl.substring(at + direct.length());
        String separator = url.contains("?") ? "&" : "?";
        boolean postgres = server instanceof PostgresServer;
        long connectSeconds = Math.max(1, timeout.toSeconds());
        url += separator + (postgres ? "connectTimeout=" + connectSeconds + "&socketTimeout=10"
                : "connectTimeout=" + connectSeconds * 1000 + "&socketTimeout=10000");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("kv-testkit-" + name + "-via-proxy-" + proxy.port());
        return new HikariDataSource(config);
    }

    /** The server this database lives on. */
    public JdbcServer server() {
        return server;
    }

    @Override
    public void close() {
        dataSource.close();
        server.drop(name);
    }
}
