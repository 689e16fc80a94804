package io.kvframework.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvRepository;
import io.kvframework.core.fixtures.Everything;
import io.kvframework.sql.SqlTable;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.MariaDb;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Every column type survives Redis, the stream and the database, in both dialects. */
@KvTest
class ColumnTypesIT {

    static final Everything FULL = new Everything(UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"), "snow ☃ \"quoted\" {x}:y",
            -7, 1L << 40, (short) 12, true, 0.1 + 0.2, new BigDecimal("12345678901234567890.1234567890"),
            Instant.parse("2026-11-22T10:15:30.123456Z"), LocalDate.of(2026, 2, 28), LocalDateTime.of(2026, 2, 28, 23, 59, 58, 999_999_000),
            Everything.Kind.LARGE, "bytes\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1),
            new Everything.Payload("p", List.of(1, 2, 3), Map.of("k", "v")));
    static final Everything EMPTY = new Everything(UUID.fromString("00000000-0000-0000-0000-000000000001"), null, null, null, null, null,
            null, null, null, null, null, null, null, null);

    @Test
    void postgres(RedisServer redis, DataSource db, TestNamespace ns) {
        roundTrip(redis, db, ns);
    }

    @Test
    void mariadb(RedisServer redis, @MariaDb DataSource db, TestNamespace ns) {
        roundTrip(redis, db, ns);
    }

    private void roundTrip(RedisServer redis, DataSource db, TestNamespace ns) {
        try (KvFixture fx = new KvFixture(redis, db, ns)) {
            new SqlTable<>(Everything.MODEL, fx.kv.dialect()).createTable(fx.dsl()).forEach(q -> q.execute());
            KvRepository<Everything> repo = fx.kv.repository(Everything.MODEL);
            repo.createWithKV(FULL);
            repo.createWithKV(EMPTY);
            // from Redis
            assertThat(repo.findOneWithKV(Everything.ID.eq(FULL.id()))).contains(FULL);
            assertThat(repo.findOneWithKV(Everything.ID.eq(EMPTY.id()))).contains(EMPTY);
            assertThat(repo.findAllWithKV(Everything.KIND.eq(Everything.Kind.LARGE).and(Everything.DATE.eq(FULL.date())))).containsExactly(FULL);
            assertThat(repo.findAllWithKV(Everything.AT.eq(FULL.at()))).containsExactly(FULL);
            assertThat(repo.findAllWithKV(Everything.KIND.isNull().and(Everything.DATE.isNull()))).containsExactly(EMPTY);
            // from the database, after drain and eviction
            fx.drain();
            KvFixture.KvRepositoryAccess<Everything> access = new KvFixture.KvRepositoryAccess<>(repo);
            fx.evict(access, FULL);
            fx.evict(access, EMPTY);
            assertThat(repo.findAllWithKV(Everything.KIND.eq(Everything.Kind.LARGE).and(Everything.DATE.eq(FULL.date())))).containsExactly(FULL);
            assertThat(repo.findAllWithKV(Everything.AT.eq(FULL.at()))).containsExactly(FULL);
            fx.evict(access, FULL);
            assertThat(repo.findOneWithKV(Everything.ID.eq(FULL.id()))).contains(FULL);
            assertThat(repo.findOneWithKV(Everything.ID.eq(EMPTY.id()))).contains(EMPTY);
        }
    }

    @Test
    void instantsAreKeptToTheMicrosecondAsTheDatabasesDo(RedisServer redis, DataSource db, TestNamespace ns) {
        try (KvFixture fx = new KvFixture(redis, db, ns)) {
            new SqlTable<>(Everything.MODEL, fx.kv.dialect()).createTable(fx.dsl()).forEach(q -> q.execute());
            KvRepository<Everything> repo = fx.kv.repository(Everything.MODEL);
            Instant nanos = Instant.parse("2026-11-22T10:15:30.123456789Z");
            Everything e = new Everything(UUID.randomUUID(), null, null, null, null, null, null, null, nanos, null, null, null, null, null);
            assertThat(repo.createWithKV(e).at()).isEqualTo(Instant.parse("2026-11-22T10:15:30.123456Z"));
            assertThat(repo.findAllWithKV(Everything.AT.eq(nanos))).hasSize(1);
        }
    }
}
