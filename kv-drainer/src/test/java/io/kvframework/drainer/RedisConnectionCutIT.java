package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvRepository;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
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
            List<CheckedWriter> writers = CheckedWriter.startAll(WRITERS, "w", 100, app, direct.accounts, stop);
            Random random = new Random(5);
            for (int cut = 0; cut < CUTS; cut++) {
                Thread.sleep(150 + random.nextInt(250));
                proxy.cut();
                Thread.sleep(50 + random.nextInt(250));
                proxy.restore();
            }
            Thread.sleep(500);
            CheckedWriter.stopAll(writers, stop);
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));

            FaultReport report = CheckedWriter.report("redis-connection-cut", CUTS, writers, direct.database()).print();
            assertThat(CheckedWriter.anomalies(writers)).as("writes that failed in another way, or were found half applied").isEmpty();
            report.assertNothingLostOrDuplicated();
            assertThat(CheckedWriter.total(writers, w -> w.failed)).as("the cuts must hit writes").isGreaterThan(0);
            assertThat(report.operations()).isGreaterThan(2000);
            assertThat(drainer.deadLetters().list(10)).isEmpty();
        }
    }
}
