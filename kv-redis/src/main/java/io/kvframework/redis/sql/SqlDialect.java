package io.kvframework.redis.sql;

import io.kvframework.core.KvUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.jooq.SQLDialect;

/** The databases KV Framework writes to and reads from. */
public enum SqlDialect {
    POSTGRES(SQLDialect.POSTGRES),
    MARIADB(SQLDialect.MARIADB);

    private final SQLDialect jooq;

    SqlDialect(SQLDialect jooq) {
        this.jooq = jooq;
    }

    /** The jOOQ dialect. */
    public SQLDialect jooq() {
        return jooq;
    }

    /** Detects the dialect from the database product name. */
    public static SqlDialect detect(DataSource dataSource) {
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
