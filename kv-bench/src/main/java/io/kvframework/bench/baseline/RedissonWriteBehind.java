package io.kvframework.bench.baseline;

import io.kvframework.testkit.RedisServer;
import io.lettuce.core.RedisURI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.redisson.Redisson;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.map.MapWriter;
import org.redisson.api.map.WriteMode;
import org.redisson.api.options.MapOptions;
import org.redisson.config.Config;

/**
 * A Redisson {@code RMap} of {@link SdOrder} values with a write-behind {@link MapWriter} that
 * upserts into PostgreSQL with JDBC batches: what a Redisson user builds for "Redis first, the
 * database behind". The map is named {@code rs_bench_orders}; its table is {@code redisson_orders}.
 */
public final class RedissonWriteBehind implements AutoCloseable {
    /** The map's name in Redis. */
    public static final String MAP = "rs_bench_orders";

    private final RedissonClient client;
    private final RMap<String, SdOrder> map;
    private final DataSource dataSource;
    private final AtomicLong written = new AtomicLong();

    public RedissonWriteBehind(RedisServer redis, DataSource dataSource, int connections) throws SQLException {
        this.dataSource = dataSource;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists redisson_orders (id varchar(64) primary key, city varchar(64), status varchar(16),"
                    + " customer varchar(64), total numeric(19,4), qty int, created_at timestamp, note varchar(255))");
            s.execute("truncate redisson_orders");
        }
        RedisURI uri = redis.redisUri();
        Config config = new Config();
        config.useSingleServer().setAddress("redis://" + uri.getHost() + ":" + uri.getPort()).setDatabase(uri.getDatabase())
                .setPassword(uri.getPassword() == null ? null : new String(uri.getPassword()))
                .setConnectionPoolSize(connections).setConnectionMinimumIdleSize(connections);
        // Redisson's default codec (Kryo 5): the write-behind queue stores its own task objects with the map's codec
        client = Redisson.create(config);
        map = client.getMap(MapOptions.<String, SdOrder>name(MAP).writer(new Writer()).writeMode(WriteMode.WRITE_BEHIND)
                .writeBehindBatchSize(2000).writeBehindDelay(100));
        map.delete();
    }

    /** The map; {@code fastPut} is the write a Redisson user calls. */
    public RMap<String, SdOrder> map() {
        return map;
    }

    /** Rows the writer has upserted into PostgreSQL so far. */
    public long written() {
        return written.get();
    }

    /** Rows in {@code redisson_orders}. */
    public long rowsInDatabase() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("select count(*) from redisson_orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        try {
            map.delete();
        } finally {
            client.shutdown();
        }
    }

    /** Upserts each write-behind batch in one JDBC batch and transaction. */
    private final class Writer implements MapWriter<String, SdOrder> {
        @Override
        public void write(Map<String, SdOrder> rows) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("insert into redisson_orders values (?,?,?,?,?,?,?,?) on conflict (id) do update"
                        + " set city = excluded.city, status = excluded.status, customer = excluded.customer, total = excluded.total,"
                        + " qty = excluded.qty, created_at = excluded.created_at, note = excluded.note")) {
                    for (SdOrder o : rows.values()) {
                        ps.setString(1, o.id());
                        ps.setString(2, o.city());
                        ps.setString(3, o.status());
                        ps.setString(4, o.customer());
                        ps.setBigDecimal(5, o.total());
                        ps.setInt(6, o.qty());
                        ps.setTimestamp(7, Timestamp.from(o.createdAt()));
                        ps.setString(8, o.note());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
                written.addAndGet(rows.size());
            } catch (SQLException e) {
                throw new IllegalStateException("redisson write-behind batch failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void delete(Collection<String> keys) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("delete from redisson_orders where id = ?")) {
                for (String k : keys) {
                    ps.setString(1, k);
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw new IllegalStateException("redisson write-behind delete failed: " + e.getMessage(), e);
            }
        }
    }
}
