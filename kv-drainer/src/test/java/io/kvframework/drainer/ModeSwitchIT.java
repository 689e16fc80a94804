package io.kvframework.drainer;

import static io.kvframework.drainer.Account.BALANCE;
import static io.kvframework.drainer.Account.ID;
import static io.kvframework.drainer.Account.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.DuplicateKeyException;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The per-table switch between KV mode and database-only mode, and back. */
@KvTest
class ModeSwitchIT {

    @Test
    void switchDrainsFirstThenWritesGoToTheDatabaseAndBack(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db, ns, 4, Duration.ofMinutes(10))) {
            Drainer drainer = fx.drainer("d1");
            for (int i = 0; i < 100; i++) {
                fx.accounts.createWithKV(new Account("a" + i, "ann", i));
            }
            fx.accounts.updateOneWithKV(BALANCE.set(1000L), ID.eq("a1"));
            fx.accounts.deleteWithKV(ID.eq("a2"));
            // the drainer is not running yet: the switch must wait for the backlog
            CompletableFuture<Void> switching = CompletableFuture.runAsync(() -> {
                try {
                    drainer.switchToDatabase("accounts", Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertThat(switching).isNotDone();
            assertThat(drainer.mode("accounts")).isEqualTo("switching");
            drainer.start();
            switching.get();
            assertThat(drainer.mode("accounts")).isEqualTo("db");
            assertThat(fx.database()).hasSize(99).containsEntry("a1", "ann|1000|null|2");
            assertThat(fx.redis.keys("{" + fx.namespace + ":*:r:accounts:*")).isEmpty();
            java.util.List<String> eventsBefore = events(fx);

            // database mode: writes and reads go straight to the database
            assertThat(fx.accounts.createWithKV(new Account("b1", "bob", 5)).version()).isEqualTo(1);
            assertThat(fx.accounts.createWithKV(new Account("a2", "again", 7)).version()).isEqualTo(3);
            assertThatThrownBy(() -> fx.accounts.createWithKV(new Account("a3", "x", 1))).isInstanceOf(DuplicateKeyException.class);
            assertThat(fx.accounts.updateOneWithKV(BALANCE.set(2000L), ID.eq("a1")).map(Account::version)).contains(3L);
            assertThat(fx.accounts.updateWithKV(OWNER.set("zed"), OWNER.eq("bob"))).hasSize(1);
            assertThat(fx.accounts.deleteWithKV(ID.eq("a4"))).isEqualTo(1);
            assertThat(fx.database()).containsEntry("a1", "ann|2000|null|3").containsEntry("b1", "zed|5|null|2").doesNotContainKey("a4")
                    .containsEntry("a2", "again|7|null|3");
            assertThat(fx.accounts.findOneWithKV(ID.eq("b1")).map(Account::owner)).contains("zed");
            assertThat(fx.accounts.findAllWithKV(OWNER.eq("ann"))).hasSize(98);
            assertThat(events(fx)).isEqualTo(eventsBefore);
            assertThat(fx.redis.keys("{" + fx.namespace + ":*:r:accounts:*")).isEmpty();

            // back to KV mode: rows come back into Redis on use, keys made in database mode stay taken
            drainer.switchToKv("accounts", Duration.ofMillis(200));
            assertThat(drainer.mode("accounts")).isEqualTo("kv");
            assertThatThrownBy(() -> fx.accounts.createWithKV(new Account("b1", "dup", 1))).isInstanceOf(DuplicateKeyException.class);
            assertThat(fx.accounts.updateOneWithKV(BALANCE.set(3000L), ID.eq("b1")).map(Account::version)).contains(3L);
            assertThat(fx.accounts.createWithKV(new Account("c1", "cid", 1)).version()).isEqualTo(1);
            assertThat(fx.accounts.createWithKV(new Account("a4", "back", 9)).version()).isEqualTo(3);
            assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
            assertThat(fx.database()).containsEntry("b1", "zed|3000|null|3").containsEntry("c1", "cid|1|null|1")
                    .containsEntry("a4", "back|9|null|3");
            drainer.close();
        }
    }

    /** The last generated id of every shard stream: unchanged means no event was written. */
    private static java.util.List<String> events(DrainerFixture fx) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (String stream : fx.kv.keys().streamKeys()) {
            java.util.List<Object> info = fx.redis.xinfoStream(stream);
            for (int i = 0; i + 1 < info.size(); i += 2) {
                if ("last-generated-id".equals(String.valueOf(info.get(i)))) {
                    ids.add(String.valueOf(info.get(i + 1)));
                }
            }
        }
        return ids;
    }
}
