package io.kvframework.drainer;

import static io.kvframework.drainer.Account.BALANCE;
import static io.kvframework.drainer.Account.ID;
import static io.kvframework.drainer.Account.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvRepository;
import io.kvframework.core.KvUnavailableException;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.testkit.FaultReport;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TcpProxy;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * G1 under a broken network: the application's connection to Redis is reset again and again while
 * four writers create, update and delete. Every write either returns normally, or fails with
 * {@link KvUnavailableException}; a failed write is then found either not applied at all or
 * applied whole (row, version and stream event together), and never applied later or twice.
 */
@KvTest
class RedisConnectionCutIT {
    static final int CUTS = 30;
    static final int WRITERS = 4;

    @Test
    void everyWriteIsAppliedWholeOrNotAtAll(RedisServer redis, IsolatedDatabase db, TestNamespace ns) throws Exception {
        try (TcpProxy proxy = TcpProxy.to(redis);
                KvClient viaProxy = KvClient.builder().redis(RedisURI.create(proxy.host(), proxy.port())).dataSource(db.dataSource())
                        .options(KvOptions.builder().namespace(ns.value()).shards(4).defaultTtl(Duration.ofMinutes(10))
                                .commandTimeout(Duration.ofSeconds(1)).build())
                        .build();
                DrainerFixture direct = new DrainerFixture(redis, db.dataSource(), ns, 4, Duration.ofMinutes(10));
                Drainer drainer = direct.drainer("d1").start()) {
            KvRepository<Account> app = viaProxy.repository(Account.MODEL);
            AtomicBoolean stop = new AtomicBoolean();
            List<Writer> writers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Writer writer = new Writer("w" + w + "-", app, direct.accounts, stop, new Random(100 + w));
                writers.add(writer);
                Thread t = new Thread(writer, "writer-" + w);
                threads.add(t);
                t.start();
            }
            Random random = new Random(5);
            for (int cut = 0; cut < CUTS; cut++) {
                Thread.sleep(150 + random.nextInt(250));
                proxy.cut();
                Thread.sleep(50 + random.nextInt(250));
                proxy.restore();
            }
            Thread.sleep(500);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));

            Map<String, String> expected = new TreeMap<>();
            long operations = 0;
            long failed = 0;
            long appliedWhole = 0;
            long notApplied = 0;
            long appliedTwice = 0;
            List<String> anomalies = new ArrayList<>();
            for (Writer w : writers) {
                w.model.forEach((id, a) -> expected.put(id, DrainerFixture.row(a)));
                operations += w.operations.get();
                failed += w.failed.get();
                appliedWhole += w.appliedWhole.get();
                notApplied += w.notApplied.get();
                appliedTwice += w.appliedTwice.get();
                anomalies.addAll(w.anomalies);
            }
            FaultReport report = FaultReport.compare("redis-connection-cut", operations, CUTS, expected, direct.database(),
                    appliedTwice, String.format("%,d writes succeeded; %,d failed with KvUnavailableException, of which %,d were"
                            + " found applied whole and %,d not applied; %d other failures", operations - failed - anomalies.size(), failed,
                            appliedWhole, notApplied, anomalies.size()))
                    .print();
            assertThat(anomalies).as("writes that failed in another way, or were found half applied").isEmpty();
            report.assertNothingLostOrDuplicated();
            assertThat(failed).as("the cuts must hit writes in flight").isGreaterThan(0);
            assertThat(operations).isGreaterThan(2000);
            assertThat(drainer.deadLetters().list(10)).isEmpty();
        }
    }

    /** One writer over its own keys: whatever it does is known exactly, so every outcome can be judged. */
    static final class Writer implements Runnable {
        final Map<String, Account> model = new HashMap<>();
        final AtomicLong operations = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong appliedWhole = new AtomicLong();
        final AtomicLong notApplied = new AtomicLong();
        final AtomicLong appliedTwice = new AtomicLong();
        final List<String> anomalies = new ArrayList<>();
        private final String prefix;
        private final KvRepository<Account> app;
        private final KvRepository<Account> check;
        private final AtomicBoolean stop;
        private final Random random;

        Writer(String prefix, KvRepository<Account> app, KvRepository<Account> check, AtomicBoolean stop, Random random) {
            this.prefix = prefix;
            this.app = app;
            this.check = check;
            this.stop = stop;
            this.random = random;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                String id = prefix + random.nextInt(40);
                Account before = model.get(id);
                Account intended = null;
                try {
                    if (before == null) {
                        intended = new Account(id, "o" + random.nextInt(3), random.nextInt(1000));
                        Account created = app.createWithKV(intended);
                        accept(id, null, created);
                    } else {
                        int dice = random.nextInt(10);
                        if (dice < 2) {
                            int n = app.deleteWithKV(ID.eq(id));
                            if (n != 1) {
                                anomaly("delete " + id + " deleted " + n + " rows, expected 1");
                            }
                            model.remove(id);
                        } else if (dice < 5) {
                            String owner = "o" + random.nextInt(3);
                            intended = new Account(id, owner, before.balance(), before.note(), before.version() + 1);
                            accept(id, before, app.updateOneWithKV(OWNER.set(owner), ID.eq(id)).orElse(null));
                        } else {
                            long balance = random.nextInt(1_000_000);
                            intended = new Account(id, before.owner(), balance, before.note(), before.version() + 1);
                            accept(id, before, app.updateOneWithKV(BALANCE.set(balance), ID.eq(id)).orElse(null));
                        }
                    }
                    operations.incrementAndGet();
                } catch (KvUnavailableException e) {
                    operations.incrementAndGet();
                    failed.incrementAndGet();
                    boolean failedWriting = e.getMessage().matches("(?s).*while (creating|updating|deleting) .*");
                    if (failedWriting && !e.getMessage().contains("may or may not have been applied")
                            && !e.getMessage().contains("was not applied")) {
                        anomaly("a failed write does not say whether it was applied: " + e.getMessage());
                    }
                    resolve(id, before, intended, e);
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // an application backs off a little
                } catch (RuntimeException e) {
                    operations.incrementAndGet();
                    anomaly("write to " + id + " (model: " + before + ") failed with " + e);
                    check.findOneWithKV(ID.eq(id)).ifPresentOrElse(a -> model.put(id, a), () -> model.remove(id));
                }
            }
        }

        /** A write returned normally: it must have produced exactly the next version. */
        private void accept(String id, Account before, Account after) {
            if (after == null) {
                anomaly("update of " + id + " found no row; model says " + before);
                return;
            }
            if (before != null && after.version() != before.version() + 1) {
                appliedTwice.incrementAndGet();
                anomaly("update of " + id + " returned version " + after.version() + " after " + before.version()
                        + ": an earlier write was applied again");
            }
            model.put(id, after);
        }

        /**
         * A write failed: read the key over a healthy connection and decide whether it happened. A
         * later write to the same key then proves it is not applied a second time, or late.
         */
        private void resolve(String id, Account before, Account intended, KvUnavailableException e) {
            Optional<Account> now = check.findOneWithKV(ID.eq(id));
            if (before == null) {
                // a create: absent, or there whole
                if (now.isEmpty()) {
                    notApplied.incrementAndGet();
                } else if (sameValues(now.get(), intended)) {
                    appliedWhole.incrementAndGet();
                    model.put(id, now.get());
                } else {
                    anomaly("after a failed create of " + intended + " the row is " + now.get());
                    model.put(id, now.get());
                }
                return;
            }
            if (now.isEmpty()) {
                if (intended != null) {
                    anomaly("after a failed update of " + id + " the row is gone");
                }
                appliedWhole.incrementAndGet();
                model.remove(id);
            } else if (now.get().equals(before)) {
                notApplied.incrementAndGet();
            } else if (intended != null && now.get().version() == before.version() + 1 && sameValues(now.get(), intended)) {
                appliedWhole.incrementAndGet();
                model.put(id, now.get());
            } else {
                anomaly("after a failed write to " + id + " the row is " + now.get() + ", was " + before + " (" + e.getMessage() + ")");
                model.put(id, now.get());
            }
        }

        private static boolean sameValues(Account a, Account b) {
            return a.id().equals(b.id()) && java.util.Objects.equals(a.owner(), b.owner()) && a.balance() == b.balance()
                    && java.util.Objects.equals(a.note(), b.note());
        }

        private synchronized void anomaly(String what) {
            if (anomalies.size() < 20) {
                anomalies.add(what);
            }
        }
    }
}
