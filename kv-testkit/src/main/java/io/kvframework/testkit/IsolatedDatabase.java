package io.kvframework.testkit;

import com.zaxxer.hikari.HikariDataSource;
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
