package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.sql.DatabaseSink;
import io.kvframework.testkit.FaultReport;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.JvmProcess;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.PostgresServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** G4: a drainer in another JVM, killed with SIGKILL at random points again and again, loses and duplicates nothing. */
@KvTest
class DrainerCrashIT {
    static final int CYCLES = 20;

    @Test
    void sigkillAtRandomPointsLosesNothingAndResurrectsNothing(RedisServer redis, PostgresServer postgres, IsolatedDatabase db,
            TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db.dataSource(), ns, 4)) {
            new DatabaseSink(db.dataSource(), fx.kv.dialect(), ns.value(), Drainer.GROUP, List.of(Account.MODEL)).createTables();
            Map<String, String> env = Map.of(
                    "KV_REDIS_URL", redis.uri(),
                    "KV_DATABASE_URL", db.jdbcUrl(),
                    "KV_DATABASE_USER", postgres.user(),
                    "KV_DATABASE_PASSWORD", postgres.password(),
                    "KV_NAMESPACE", ns.value(),
                    "KV_SHARDS", "4",
                    "KV_DRAINER_MODELS", Account.class.getName(),
                    "KV_DRAINER_BATCH_SIZE", "50",
                    "KV_DRAINER_LEASE_TTL_MS", "800",
                    "KV_DRAINER_POLL_MS", "2");
            Workload workload = new Workload(fx.accounts, 60, 42, 200);
            Thread writer = new Thread(workload, "writer");
            writer.start();
            Random random = new Random(7);
            int kills = 0;
            long processedBefore;
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                try (JvmProcess child = JvmProcess.start(DrainerMain.class, List.of(), env)) {
                    child.awaitLine(l -> l.startsWith("kv-drainer: started"), Duration.ofSeconds(60));
                    Thread.sleep(300 + random.nextInt(900));
                    child.kill();
                    kills++;
                }
            }
            workload.stop();
            writer.join();
            assertThat(workload.error()).isNull();
            processedBefore = workload.writes.get();
            // a final drainer, in a new JVM as well, stopped gracefully with SIGTERM
            try (JvmProcess last = JvmProcess.start(DrainerMain.class, List.of(), env);
                    Drainer observer = fx.drainer("observer")) {
                last.awaitLine(l -> l.startsWith("kv-drainer: started"), Duration.ofSeconds(60));
                DrainerFixture.assertDrained(observer.engine(), Duration.ofSeconds(90));
                assertThat(last.terminate(Duration.ofSeconds(30))).isEqualTo(143);
                assertThat(last.output()).contains("kv-drainer: stopped");
                assertThat(observer.deadLetters().list(10)).isEmpty();
            }
            Map<String, String> expected = workload.expected();
            Map<String, String> actual = fx.database();
            FaultReport report = FaultReport.compare("drainer-sigkill", processedBefore, kills, expected, actual, 0,
                    String.format("drainer in its own JVM killed at random points; %,d rows expected", expected.size())).print();
            assertThat(kills).isEqualTo(CYCLES);
            assertThat(processedBefore).isGreaterThan(1000);
            // nothing lost, nothing resurrected, every row at exactly its last version
            report.assertNothingLostOrDuplicated();
            assertThat(actual).isEqualTo(expected);
        }
    }
}
