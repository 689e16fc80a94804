package io.kvframework.testkit;

import io.kvframework.testkit.internal.ServerLifecycle;

/** A real PostgreSQL server. */
public final class PostgresServer extends BaseServer implements JdbcServer {
    private final String database;
    private final String user;
    private final String password;

    PostgresServer(ServerSource source, String host, int port, String database, String user, String password,
            ServerLifecycle lifecycle) {
        super("postgres", source, host, port, lifecycle);
        this.database = database;
        this.user = user;
        this.password = password;
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    @Override
    public String jdbcUrl(String schema) {
        return jdbcUrl() + "?currentSchema=" + schema;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    /** The database clients connect to. */
    public String database() {
        return database;
    }

    @Override
    public String createSql(String name) {
        return "CREATE SCHEMA \"" + name + "\"";
    }

    @Override
    public String dropSql(String name) {
        return "DROP SCHEMA IF EXISTS \"" + name + "\" CASCADE";
    }

    /** Starts a new PostgreSQL owned by the caller, whatever the environment says: the fresh-machine path. */
    public static PostgresServer startEmbedded() {
        return io.kvframework.testkit.internal.EmbeddedPostgres.start().into((host, port, lifecycle) ->
                new PostgresServer(ServerSource.EMBEDDED, host, port, "postgres", "postgres", "", lifecycle));
    }
}
