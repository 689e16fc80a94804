package io.kvframework.testkit;

import io.kvframework.testkit.internal.ServerLifecycle;

/** A real MariaDB (or MySQL) server. */
public final class MariaDbServer extends BaseServer implements JdbcServer {
    private final String database;
    private final String user;
    private final String password;

    MariaDbServer(ServerSource source, String host, int port, String database, String user, String password,
            ServerLifecycle lifecycle) {
        super("mariadb", source, host, port, lifecycle);
        this.database = database;
        this.user = user;
        this.password = password;
    }

    @Override
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    @Override
    public String jdbcUrl(String db) {
        return "jdbc:mariadb://" + host() + ":" + port() + "/" + db;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String createSql(String name) {
        return "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    }

    @Override
    public String dropSql(String name) {
        return "DROP DATABASE IF EXISTS `" + name + "`";
    }

    /** Starts a private mariadbd from PATH, owned by the caller. */
    public static MariaDbServer startEmbedded() {
        return io.kvframework.testkit.internal.EmbeddedMariaDb.start().into((host, port, lifecycle) ->
                new MariaDbServer(ServerSource.EMBEDDED, host, port, "mysql", "root", "", lifecycle));
    }
}
