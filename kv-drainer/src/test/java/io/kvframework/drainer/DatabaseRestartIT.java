package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.stream.HealthState;
import io.kvframework.stream.ShardStatus;
import io.kvframework.testkit.FaultReport;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.PostgresServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL itself stopped and started again, and PostgreSQL made slow by a lock held on the
 * table, both under a steady write load. Writes never wait for the database: the backlog grows in
 * Redis, the drainer reports it, and catches up without losing or duplicating anything.
 */
@KvTest
class DatabaseRestartIT {
    static final int RESTARTS = 3;

    @Test
    void postgresStoppedAndStartedUnderLoad(RedisServer redis, TestNamespace ns) throws Exception {
        try (PostgresServer postgres = PostgresServer.startEmbedded(); IsolatedDatabase db = postgres.isolated(ns.value());
                DrainerFixture fx = new DrainerFixture(redis, db.dataSource(), ns, 4, Duration.ofMinutes(10));
                Drainer drainer = fx.drainer("d1").start()) {
            Workload workload = new Workload(fx.accounts, 300, 21, 1000);
            Thread writer = new Thread(workload, "writer");
            writer.start();
            Set<HealthState> seen = EnumSet.noneOf(HealthState.class);
            long maxBacklog = 0;
            for (int i = 0; i < RESTARTS; i++) {
                Thread.sleep(1500);
                postgres.stop();
                long end = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < end) {
                    seen.add(drainer.health());
                    maxBacklog = Math.max(maxBacklog, drainer.backlog());
                    Thread.sleep(100);
                }
                postgres.start();
            }
            Thread.sleep(1000);
            workload.stop();
            writer.join();
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));
            FaultReport report = FaultReport.compare("postgres-restart", workload.writes.get() + workload.failures.get(), RESTARTS,
                    workload.expected(), fx.database(), 0, String.format("database down 3 s each time; %,d writes failed; backlog up to"
                            + " %,d entries; drainer health seen %s", workload.failures.get(), maxBacklog, seen))
                    .print();
            report.assertNothingLostOrDuplicated();
            assertThat(workload.failures.get()).as("writes do not need the database").isZero();
            assertThat(seen).contains(HealthState.SINK_UNAVAILABLE);
            assertThat(drainer.deadLetters().list(10)).isEmpty();
        }
    }

    @Test
    void slowDatabaseHoldingLocksDoesNotSlowWrites(RedisServer redis, PostgresServer postgres, IsolatedDatabase db, TestNamespace ns)
            throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db.dataSource(), ns, 4, Duration.ofMinutes(10));
                Drainer drainer = fx.drainer("d1").start()) {
            Workload workload = new Workload(fx.accounts, 300, 23, 1000);
            Thread writer = new Thread(workload, "writer");
            writer.start();
            Thread.sleep(1500);
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(30));
            long before = workload.writes.get();
            long t0 = System.nanoTime();
            Thread.sleep(2000);
            double freeRate = (workload.writes.get() - before) / ((System.nanoTime() - t0) / 1e9);

            Set<HealthState> seen = EnumSet.noneOf(HealthState.class);
            long maxBacklog = 0;
            long oldestAge = 0;
            double lockedRate;
            try (Connection lock = java.sql.DriverManager.getConnection(db.jdbcUrl(), postgres.user(), postgres.password());
                    Statement s = lock.createStatement()) {
                lock.setAutoCommit(false);
                s.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE"); // every drainer statement now waits
                long lockedFrom = workload.writes.get();
                long t1 = System.nanoTime();
                long end = t1 + 8_000_000_000L;
                while (System.nanoTime() < end) {
                    seen.add(drainer.health());
                    maxBacklog = Math.max(maxBacklog, drainer.backlog());
                    oldestAge = Math.max(oldestAge, drainer.engine().shardStatus().stream()
                            .mapToLong(ShardStatus::oldestAgeMillis).max().orElse(0));
                    Thread.sleep(100);
                }
                lockedRate = (workload.writes.get() - lockedFrom) / ((System.nanoTime() - t1) / 1e9);
                lock.rollback();
            }
            Thread.sleep(500);
            workload.stop();
            writer.join();
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));
            FaultReport report = FaultReport.compare("slow-database", workload.writes.get() + workload.failures.get(), 1,
                    workload.expected(), fx.database(), 0, String.format("table locked 8 s: writes %.0f/s before, %.0f/s while locked;"
                            + " backlog up to %,d entries, oldest pending %,d ms; drainer health seen %s", freeRate, lockedRate, maxBacklog,
                            oldestAge, seen))
                    .print();
            report.assertNothingLostOrDuplicated();
            assertThat(workload.failures.get()).isZero();
            assertThat(lockedRate).as("writes are not slowed by the database").isGreaterThan(freeRate * 0.5);
            assertThat(maxBacklog).isPositive();
            assertThat(seen).contains(HealthState.LAGGING);
            assertThat(drainer.deadLetters().list(10)).isEmpty();
        }
    }
}
