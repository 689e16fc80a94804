package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.kvframework.stream.HealthState;
import io.kvframework.testkit.FaultReport;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.PostgresServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TcpProxy;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The database unreachable for 30 s under a steady write load: writes go on, the drainer waits, then catches up. */
@KvTest
class DrainerOutageIT {
    static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void databaseDownForThirtySecondsUnderLoad(RedisServer redis, PostgresServer postgres, IsolatedDatabase db, TestNamespace ns)
            throws Exception {
        try (TcpProxy proxy = TcpProxy.to(postgres); HikariDataSource viaProxy = db.dataSourceVia(proxy, Duration.ofMillis(2000), 4);
                DrainerFixture fx = new DrainerFixture(redis, viaProxy, ns, 4, Duration.ofMinutes(10));
                Drainer drainer = fx.drainer("d1").start()) {
            Workload workload = new Workload(fx.accounts, 300, 11, 2000);
            Thread writer = new Thread(workload, "writer");
            writer.start();
            Thread.sleep(3000);
            long before = workload.writes.get();
            proxy.cut();
            Set<HealthState> seen = EnumSet.noneOf(HealthState.class);
            long end = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < end) {
                seen.add(drainer.health());
                Thread.sleep(100);
            }
            long during = workload.writes.get() - before;
            long backlog = drainer.backlog();
            proxy.restore();
            long restored = System.nanoTime();
            Thread.sleep(2000);
            workload.stop();
            writer.join();
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));
            double catchUp = (System.nanoTime() - restored) / 1e9;
            FaultReport report = FaultReport.compare("database-unreachable", workload.writes.get() + workload.failures.get(), 1,
                    workload.expected(), fx.database(), 0, String.format("%,d writes during the %d s outage, backlog %,d entries at the end"
                            + " of it, drained %.1f s after the database came back; health seen %s", during, OUTAGE.toSeconds(), backlog,
                            catchUp, seen))
                    .print();
            report.assertNothingLostOrDuplicated();
            assertThat(workload.failures.get()).isZero();
            assertThat(during).isGreaterThan(1000);
            assertThat(backlog).isPositive();
            assertThat(seen).contains(HealthState.SINK_UNAVAILABLE);
            assertThat(drainer.deadLetters().list(10)).isEmpty();
            assertThat(fx.database()).isEqualTo(workload.expected());
        }
    }

}
