package io.kvframework.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.kvframework.core.KvUnavailableException;
import io.kvframework.core.SqlDialect;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.spi.EntityStore;
import io.kvframework.core.spi.KvDatabase;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * How the data plane finds its database: through the KvDatabase SPI, with the dialect read from
 * the JDBC URL without connecting (an application starts while its database is down).
 */
class SqlDatabaseTest {

    @Test
    void theDialectComesFromTheJdbcUrl() {
        assertThat(SqlDialect.fromJdbcUrl("jdbc:postgresql://db:5432/app")).isEqualTo(SqlDialect.POSTGRES);
        assertThat(SqlDialect.fromJdbcUrl("JDBC:MariaDB://db/app")).isEqualTo(SqlDialect.MARIADB);
        assertThat(SqlDialect.fromJdbcUrl("jdbc:mysql://db/app")).isEqualTo(SqlDialect.MARIADB);
        assertThat(SqlDialect.fromJdbcUrl("jdbc:h2:mem:x")).isNull();
        assertThat(SqlDialect.fromJdbcUrl(null)).isNull();
    }

    @Test
    void aPoolWhoseDatabaseIsDownOpensWithoutConnecting() {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/nowhere");
            KvDatabase db = KvDatabase.open(pool, null, "ns");
            assertThat(db).isInstanceOf(SqlDatabase.class);
            assertThat(db.dialect()).isEqualTo(SqlDialect.POSTGRES);
            assertThat(db.dataSource()).isSameAs(pool);
            EntityStore<Order> store = db.store(Order.MODEL);
            assertThat(db.store(Order.MODEL)).isSameAs(store);
            assertThat(SqlDatabase.of(db).dsl().dialect()).isEqualTo(org.jooq.SQLDialect.POSTGRES);
            // the first query is where the outage shows, as a transient KV Framework exception
            assertThatThrownBy(() -> store.findAll(Order.CITY.eq("Oslo"))).isInstanceOf(KvUnavailableException.class)
                    .hasMessageContaining("querying orders where");
        }
    }

    @Test
    void aDataSourceThatTellsNoUrlIsAskedAndItsOutageSaysHowToStartAnyway() {
        DataSource silent = new UnreachableDataSource();
        assertThatThrownBy(() -> KvDatabase.open(silent, null, "ns")).isInstanceOf(KvUnavailableException.class)
                .hasMessageContaining("cannot reach the database to detect its dialect").hasMessageContaining("set the dialect");
        // with the dialect given, nothing is asked
        assertThat(KvDatabase.open(silent, SqlDialect.MARIADB, "ns").dialect()).isEqualTo(SqlDialect.MARIADB);
    }

    @Test
    void onlyASqlDatabaseHasADslContext() {
        KvDatabase other = new KvDatabase() {
            @Override
            public SqlDialect dialect() {
                return SqlDialect.POSTGRES;
            }

            @Override
            public DataSource dataSource() {
                return null;
            }

            @Override
            public <E> EntityStore<E> store(io.kvframework.core.EntityModel<E> model) {
                throw new UnsupportedOperationException();
            }
        };
        assertThatThrownBy(() -> SqlDatabase.of(other)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a SQL database");
        assertThatThrownBy(() -> SqlDatabase.of(null)).hasMessageContaining("built without a DataSource");
        assertThat(SqlDatabase.jooq(SqlDialect.MARIADB)).isEqualTo(org.jooq.SQLDialect.MARIADB);
    }

    @Test
    void tombstoneKeysAreFixedLengthHashesOfTheEncodedKey() {
        String h = Tombstones.keyHash("o%3A1");
        assertThat(h).hasSize(64).matches("[0-9a-f]+").isEqualTo(Tombstones.keyHash("o%3A1")).isNotEqualTo(Tombstones.keyHash("o%3A2"));
    }

    /** A DataSource with no URL getter whose database cannot be reached. */
    private static final class UnreachableDataSource implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("connection refused", "08001");
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
