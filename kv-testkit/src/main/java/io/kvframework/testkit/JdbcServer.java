package io.kvframework.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A relational database server: PostgreSQL or MariaDB. */
public sealed interface JdbcServer extends TestServer permits PostgresServer, MariaDbServer {

    /** JDBC URL of the server's default database. */
    String jdbcUrl();

    /** User name to connect with. */
    String user();

    /** Password to connect with (may be empty). */
    String password();

    /** JDBC URL whose default schema or database is {@code name}. */
    String jdbcUrl(String name);

    /** The SQL that creates an isolated schema or database called {@code name}. */
    String createSql(String name);

    /** The SQL that drops it. */
    String dropSql(String name);

    /** Opens a plain connection to the default database. */
    default Connection connect() throws SQLException {
        return java.sql.DriverManager.getConnection(jdbcUrl(), user(), password());
    }

    /** Creates a schema or database for one test, with a small pool. */
    default IsolatedDatabase isolated(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("kv-testkit: isolated database name must match [a-z][a-z0-9_]*, got '" + name + "'");
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(dropSql(name));
            s.execute(createSql(name));
        } catch (SQLException e) {
            throw new IllegalStateException("kv-testkit: cannot create " + name + " on " + describe() + ": " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl(name));
        config.setUsername(user());
        config.setPassword(password());
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(0);
        config.setPoolName("kv-testkit-" + name);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(-1);
        return new IsolatedDatabase(this, name, jdbcUrl(name), new HikariDataSource(config));
    }

    /** Drops an isolated schema or database; failures (a stopped server) are ignored. */
    default void drop(String name) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(dropSql(name));
        } catch (SQLException e) {
            // the server may have been stopped by a fault test; a leftover test schema is harmless
        }
    }
}
