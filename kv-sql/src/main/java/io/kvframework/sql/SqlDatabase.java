package io.kvframework.sql;

import io.kvframework.core.EntityModel;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.spi.EntityStore;
import io.kvframework.core.spi.KvDatabase;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The {@link KvDatabase} of PostgreSQL and MariaDB, over jOOQ: what {@code KvClient} uses for reads
 * that fall back to the database and for tables in database mode. Found by {@code KvClient}
 * through {@link java.util.ServiceLoader} when it is given a DataSource.
 */
public final class SqlDatabase implements KvDatabase {
    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String namespace;
    private final DSLContext dsl;
    private final Map<String, SqlEntityStore<?>> stores = new ConcurrentHashMap<>();

    private SqlDatabase(DataSource dataSource, SqlDialect dialect, String namespace) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.dsl = using(dataSource, dialect);
    }

    /** Opens the database behind {@code dataSource}; {@code dialect} null detects it (see {@link SqlDialect#detect}). */
    public static SqlDatabase open(DataSource dataSource, SqlDialect dialect, String namespace) {
        return new SqlDatabase(dataSource, dialect != null ? dialect : SqlDialect.detect(dataSource), namespace);
    }

    /** The SQL database behind a {@link KvDatabase} (the one {@code KvClient.database()} returns). */
    public static SqlDatabase of(KvDatabase database) {
        if (database instanceof SqlDatabase sql) {
            return sql;
        }
        throw new IllegalArgumentException(database == null ? "no database: the KvClient was built without a DataSource"
                : "not a SQL database: " + database.getClass().getName());
    }

    /** The jOOQ dialect of a KV Framework dialect. */
    public static SQLDialect jooq(SqlDialect dialect) {
        return switch (dialect) {
            case POSTGRES -> SQLDialect.POSTGRES;
            case MARIADB -> SQLDialect.MARIADB;
        };
    }

    /** jOOQ over a DataSource in a dialect, without execute logging. */
    public static DSLContext using(DataSource dataSource, SqlDialect dialect) {
        return DSL.using(dataSource, jooq(dialect), new Settings().withExecuteLogging(false));
    }

    @Override
    public SqlDialect dialect() {
        return dialect;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    /** jOOQ over this database. */
    public DSLContext dsl() {
        return dsl;
    }

    /** The SQL table of an entity in this database's dialect. */
    public <E> SqlTable<E> table(EntityModel<E> model) {
        return new SqlTable<>(model, dialect);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <E> EntityStore<E> store(EntityModel<E> model) {
        return (EntityStore<E>) stores.computeIfAbsent(model.table(), t -> new SqlEntityStore<>(dsl, table(model), namespace, dataSource));
    }

    @Override
    public String toString() {
        return dialect.toString();
    }

    /** The {@link java.util.ServiceLoader} entry point. */
    public static final class Provider implements KvDatabase.Provider {
        @Override
        public KvDatabase open(DataSource dataSource, SqlDialect dialect, String namespace) {
            return SqlDatabase.open(dataSource, dialect, namespace);
        }
    }
}
