package io.kvframework.core.spi;

import io.kvframework.core.EntityModel;
import io.kvframework.core.SqlDialect;
import java.util.ServiceLoader;
import javax.sql.DataSource;

/**
 * The application's database as the data plane sees it: one {@link EntityStore} per entity.
 * {@link #open} finds the implementation ({@code kv-sql}) through {@link ServiceLoader}, so that
 * the Redis data plane does not depend on a SQL library.
 */
public interface KvDatabase {

    /** The database's dialect. */
    SqlDialect dialect();

    /** The DataSource it reads from and writes to. */
    DataSource dataSource();

    /** The store of one entity. */
    <E> EntityStore<E> store(EntityModel<E> model);

    /**
     * Opens the database behind {@code dataSource} for the key namespace {@code namespace}.
     *
     * @param dialect the dialect, or null to read it from the DataSource's JDBC URL (without
     *     connecting) or, failing that, from the database
     * @throws IllegalStateException when no implementation is on the class path
     */
    static KvDatabase open(DataSource dataSource, SqlDialect dialect, String namespace) {
        for (Provider p : ServiceLoader.load(Provider.class, KvDatabase.class.getClassLoader())) {
            return p.open(dataSource, dialect != null ? dialect : SqlDialect.detect(dataSource), namespace);
        }
        throw new IllegalStateException("a DataSource was given but no KV Framework database module is on the class path:"
                + " add the dependency io.kvframework:kv-sql");
    }

    /** Creates {@link KvDatabase}s; registered in {@code META-INF/services/io.kvframework.core.spi.KvDatabase$Provider}. */
    interface Provider {
        /** Opens the database behind {@code dataSource} with a known dialect. */
        KvDatabase open(DataSource dataSource, SqlDialect dialect, String namespace);
    }
}
