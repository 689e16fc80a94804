package io.kvframework.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jooq.ConnectionProvider;
import org.jooq.exception.DataAccessException;

/**
 * The DataSource's connections, with the time spent waiting for one recorded: a pool waits up to
 * its connection timeout (HikariCP: 30 s by default) while the database is unreachable, and health
 * must say so meanwhile, not only when the wait fails.
 */
final class WatchedConnections implements ConnectionProvider {
    private final DataSource dataSource;
    /** Threads waiting for a connection now → since when (the writers and the maintenance thread may all wait). */
    private final Map<Thread, Long> acquiring = new ConcurrentHashMap<>();

    WatchedConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** How long the longest wait for a connection in progress has lasted, in milliseconds; 0 when none waits. */
    long waitingMillis() {
        long oldest = acquiring.values().stream().mapToLong(Long::longValue).min().orElse(0);
        return oldest == 0 ? 0 : System.currentTimeMillis() - oldest;
    }

    @Override
    public Connection acquire() {
        acquiring.put(Thread.currentThread(), System.currentTimeMillis());
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DataAccessException("Error getting connection from data source " + dataSource, e);
        } finally {
            acquiring.remove(Thread.currentThread());
        }
    }

    @Override
    public void release(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new DataAccessException("Error closing connection " + connection, e);
        }
    }
}
