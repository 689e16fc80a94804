package io.kvframework.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/** The databases KV Framework writes to and reads from. */
public enum SqlDialect {
    /** PostgreSQL (12 and later). */
    POSTGRES,
    /** MariaDB (10.6 and later) and MySQL-compatible servers reached through the MariaDB or MySQL driver. */
    MARIADB;

    /** The dialect a JDBC URL names ({@code jdbc:postgresql:}, {@code jdbc:mariadb:}, {@code jdbc:mysql:}), or null. */
    public static SqlDialect fromJdbcUrl(String url) {
        if (url == null) {
            return null;
        }
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("jdbc:postgresql:") ? POSTGRES : u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:") ? MARIADB : null;
    }

    /**
     * Detects the dialect: from the JDBC URL the DataSource was configured with when it tells one
     * ({@code getJdbcUrl()} of HikariCP, {@code getUrl()} of the drivers' own DataSources), without
     * connecting, so that an application starts while its database is down; otherwise from the
     * database product name.
     */
    public static SqlDialect detect(DataSource dataSource) {
        for (String getter : new String[] {"getJdbcUrl", "getUrl", "getURL"}) {
            try {
                Object url = dataSource.getClass().getMethod(getter).invoke(dataSource);
                SqlDialect d = url instanceof String s ? fromJdbcUrl(s) : null;
                if (d != null) {
                    return d;
                }
            } catch (ReflectiveOperationException | RuntimeException notThere) {
                // not a getter this DataSource has: try the next, then ask the database
            }
        }
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                return POSTGRES;
            }
            if (product.contains("mariadb") || product.contains("mysql")) {
                return MARIADB;
            }
            throw new IllegalArgumentException("unsupported database '" + product + "'; KV Framework supports PostgreSQL and MariaDB/MySQL");
        } catch (SQLException e) {
            throw new KvUnavailableException("cannot reach the database to detect its dialect: " + e.getMessage()
                    + "; set the dialect (KvClient.builder().dialect(...), Drainer.builder(kv).dialect(...)) to start while the database is down", e);
        }
    }
}
