package io.kvframework.drainer;

import static io.kvframework.drainer.Account.ID;
import static io.kvframework.drainer.Account.NOTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvUnavailableException;
import io.kvframework.testkit.FaultReport;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.PostgresServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The bound on the backlog: with the database stuck (a table locked) the stream grows until Redis
 * reaches {@code maxmemory} ({@code noeviction}); from then on each write is refused whole with
 * {@link KvUnavailableException} saying it was not applied. Once the database moves again the
 * drainer drains and trims under that pressure, and writes are accepted again. Nothing acknowledged
 * is lost, nothing refused is half there.
 */
@KvTest
class RedisFullIT {

    @Test
    void aFullRedisRefusesWritesWholeAndRecoversOnceDrained(PostgresServer postgres, IsolatedDatabase db, TestNamespace ns)
            throws Exception {
        String note = "n".repeat(2000);
        try (RedisServer redis = RedisServer.startEmbedded("--maxmemory", "12mb", "--maxmemory-policy", "noeviction");
                DrainerFixture fx = new DrainerFixture(redis, db.dataSource(), ns, 4, Duration.ofMinutes(10));
                Drainer drainer = fx.drainer("d1").start()) {
            Map<String, String> expected = new TreeMap<>();
            Random random = new Random(17);
            long writes = 0;
            long refused = 0;
            long refusedApplied = 0;
            long writesAfterRelease = 0;
            try (Connection lock = java.sql.DriverManager.getConnection(db.jdbcUrl(), postgres.user(), postgres.password());
                    Statement s = lock.createStatement()) {
                Account warmUp = fx.accounts.createWithKV(new Account("warm-up", "o", 0)); // the drainer has created the table
                DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
                expected.put(warmUp.id(), DrainerFixture.row(warmUp));
                lock.setAutoCommit(false);
                s.execute("LOCK TABLE accounts IN EXCLUSIVE MODE"); // the drainer's writes wait; reads do not
                // write until Redis has refused 200 writes
                for (int i = 0; refused < 200 && i < 200_000; i++) {
                    String id = "f" + random.nextInt(2000);
                    writes++;
                    try {
                        Account a = expected.containsKey(id)
                                ? fx.accounts.updateOneWithKV(NOTE.set(note + i), ID.eq(id)).orElseThrow()
                                : fx.accounts.createWithKV(new Account(id, "o", i, note, 0));
                        expected.put(id, DrainerFixture.row(a));
                    } catch (KvUnavailableException e) {
                        refused++;
                        assertThat(e.getMessage()).contains("OOM").contains("the write was not applied");
                        Optional<Account> now = fx.accounts.findOneWithKV(ID.eq(id));
                        String seen = now.map(DrainerFixture::row).orElse(null);
                        if (!java.util.Objects.equals(seen, expected.get(id))) {
                            refusedApplied++;
                        }
                    }
                }
                lock.rollback();
            }
            // the drainer catches up under memory pressure, trims, and writes are accepted again
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (writesAfterRelease < 100 && System.nanoTime() < deadline) {
                String id = "g" + writesAfterRelease;
                try {
                    Account a = fx.accounts.createWithKV(new Account(id, "o", 1));
                    expected.put(id, DrainerFixture.row(a));
                    writesAfterRelease++;
                } catch (KvUnavailableException e) {
                    Thread.sleep(100);
                }
            }
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));
            FaultReport report = FaultReport.compare("redis-full", writes + writesAfterRelease, 1, expected, fx.database(), refusedApplied,
                    String.format("maxmemory 12 MB, database locked: %,d writes refused with OOM (%,d of them found applied), then %,d"
                            + " accepted again once drained", refused, refusedApplied, writesAfterRelease))
                    .print();
            report.assertNothingLostOrDuplicated();
            assertThat(refused).isEqualTo(200);
            assertThat(writesAfterRelease).isEqualTo(100);
            assertThat(drainer.deadLetters().list(10)).isEmpty();
        }
    }
}
