package io.kvframework.redis;

import static io.kvframework.core.fixtures.Order.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.KvRepository;
import io.kvframework.core.fixtures.Order;
import io.kvframework.core.fixtures.Order.Status;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key filter grows with the keys it holds, still finds keys of its oldest layers, and still
 * consults the fixed-size filter of earlier versions while one exists: a create of a key that lives
 * only in the database is refused in every case.
 */
@KvTest
class KeyFilterIT {
    KvFixture fx;
    KvRepository<Order> orders;

    @BeforeEach
    void setUp(RedisServer redis, DataSource db, TestNamespace ns) {
        fx = new KvFixture(redis, db, ns, KvOptions.builder().shards(1).keyFilterInitialBits(8192));
        orders = fx.kv.repository(Order.MODEL);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static Order order(String id) {
        return new Order(id, "Oslo", Status.NEW, new BigDecimal("1.00"), 1, null);
    }

    private long counted() {
        return fx.redis.bitfield(fx.kv.keys().filterKey(0), io.lettuce.core.BitFieldArgs.Builder.get(io.lettuce.core.BitFieldArgs.unsigned(32), 0))
                .get(0);
    }

    @Test
    void theFilterGrowsWithTheKeysAndFindsKeysOfItsFirstLayer() {
        orders.createWithKV(order("k0"));
        // a first layer of 8,192 bits after the 64-bit header: 1 KiB for the first 256 keys (32 bits per key)
        assertThat(fx.redis.strlen(fx.kv.keys().filterKey(0))).isLessThanOrEqualTo(8 + 1024);
        List<Order> batch = new ArrayList<>();
        for (int i = 1; i < 2000; i++) {
            batch.add(order("k" + i));
        }
        orders.createManyWithKV(batch);
        // a create the filter wrongly called maybe (asked the database, then written) counts twice: about 0.18 % per full layer
        assertThat(counted()).isBetween(2000L, 2005L);
        // layers of 256, 1,024 and 4,096 keys: 8,192 + 32,768 + 131,072 bits, never the old 128 KiB
        long bytes = fx.redis.strlen(fx.kv.keys().filterKey(0));
        assertThat(bytes).isGreaterThan(8 + 5 * 1024).isLessThanOrEqualTo(8 + 21 * 1024);
        assertThat(fx.redis.exists(fx.kv.keys().bloomKey(0))).as("the old fixed filter is never made").isZero();

        // keys of the first layer, drained and evicted, are still known: their creates ask the database
        fx.drain();
        for (String id : List.of("k0", "k7", "k300")) {
            fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order(id));
            assertThatThrownBy(() -> orders.createWithKV(order(id))).isInstanceOf(DuplicateKeyException.class)
                    .hasMessageContaining("database");
        }
    }

    /** Whether a key's 4 bits are set in the positions-layout layer of {@code size} bits from bit {@code base}. */
    private boolean positionsSet(String id, long base, long size) {
        long[] h = fx.kv.keys().filterHash("orders", id);
        String filter = fx.kv.keys().filterKey(fx.kv.keys().shard("orders", id));
        for (int i = 0; i < 4; i++) {
            if (fx.redis.getbit(filter, base + (h[0] + i * h[1]) % size) != 1) {
                return false;
            }
        }
        return true;
    }

    /** Whether a key's 4 bits are set in its 32-bit word of the words-layout layer of {@code size} bits from bit {@code base}. */
    private boolean wordSet(String id, long base, long size) {
        long[] h = fx.kv.keys().filterHash("orders", id);
        String filter = fx.kv.keys().filterKey(fx.kv.keys().shard("orders", id));
        long word = fx.redis.bitfield(filter, io.lettuce.core.BitFieldArgs.Builder.get(io.lettuce.core.BitFieldArgs.unsigned(32),
                (int) (base + h[0] % (size / 32) * 32))).get(0);
        long mask = 0;
        for (int i = 0; i < 4; i++) {
            mask |= 1L << (31 - ((h[1] >>> 1 >>> (5 * i)) & 31));
        }
        return (word & mask) == mask;
    }

    private long header(int offset, int bits) {
        return fx.redis.bitfield(fx.kv.keys().filterKey(0), io.lettuce.core.BitFieldArgs.Builder
                .get(io.lettuce.core.BitFieldArgs.unsigned(bits), offset)).get(0);
    }

    @Test
    void aNewFilterHoldsEachKeyInOneWordOfTheNewestLayer() {
        // filters outlive upgrades, so where a key's bits are is pinned here as anatomy.md states it: word h1 modulo the
        // layer's words, bits floor(h2 / 2 / 32^i) % 32 of it; layer 0 holds 8,192 bits from bit 64, layer 1 32,768, layer 2 131,072
        orders.createWithKV(order("p0"));
        assertThat(header(44, 1)).as("the words layout is recorded").isEqualTo(1);
        assertThat(header(40, 4)).as("32 bits per key").isEqualTo(5);
        assertThat(wordSet("p0", 64, 8192)).isTrue();
        List<Order> batch = new ArrayList<>();
        for (int i = 1; i < 2000; i++) {
            batch.add(order("p" + i));
        }
        orders.createManyWithKV(batch);
        orders.createWithKV(order("last"));
        assertThat(wordSet("last", 64 + 8192 + 32768, 131072)).isTrue();
        assertThat(wordSet("last", 64, 8192)).as("a key goes to the newest layer only").isFalse();
    }

    /** Reads the row of {@code id} from the database through the repository and waits until it is cached (hydrate.lua). */
    private void readBack(String id) throws InterruptedException {
        assertThat(orders.findOneWithKV(ID.eq(id))).isPresent();
        String rowKey = fx.kv.keys().rowKey(0, "orders", id);
        for (int i = 0; i < 500 && fx.redis.exists(rowKey) == 0; i++) {
            Thread.sleep(10);
        }
        assertThat(fx.redis.exists(rowKey)).as("cached after the read").isOne();
    }

    @Test
    void aRowCachedFromTheDatabaseIsAddedToANewFilterOnce() throws InterruptedException {
        // hydrate.lua adds a key to the filter only when no layer held it ('ifnew'), in the words layout too
        orders.createWithKV(order("h0"));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("h0"));
        fx.redis.del(fx.kv.keys().filterKey(0));
        readBack("h0");
        assertThat(header(44, 1)).as("a filter made by a cached read is in the words layout").isEqualTo(1);
        assertThat(wordSet("h0", 64, 8192)).isTrue();
        assertThat(counted()).isOne();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("h0"));
        readBack("h0");
        assertThat(counted()).as("a key the filter holds is not counted again").isOne();
        // and the filter now refuses a create of the evicted key without the database saying so first
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("h0"));
        assertThatThrownBy(() -> orders.createWithKV(order("h0"))).isInstanceOf(DuplicateKeyException.class).hasMessageContaining("database");
    }

    @Test
    void aFilterOfThePositionsLayoutKeepsItsLayout() {
        // the header of a filter made by a version before words: looked for the old filter (2), f0 = 2^13, 32 bits per key, bit 44 zero
        fx.redis.bitfield(fx.kv.keys().filterKey(0), io.lettuce.core.BitFieldArgs.Builder.set(io.lettuce.core.BitFieldArgs.unsigned(2), 32, 2)
                .set(io.lettuce.core.BitFieldArgs.unsigned(6), 34, 13).set(io.lettuce.core.BitFieldArgs.unsigned(4), 40, 5));
        orders.createWithKV(order("q0"));
        assertThat(positionsSet("q0", 64, 8192)).isTrue();
        List<Order> batch = new ArrayList<>();
        for (int i = 1; i < 1500; i++) {
            batch.add(order("q" + i));
        }
        orders.createManyWithKV(batch);
        assertThat(positionsSet("q1499", 64 + 8192 + 32768, 131072)).isTrue();
        assertThat(header(44, 1)).as("the layout stays the positions one").isZero();
        assertThat(header(0, 32)).as("a false positive counts its key twice").isBetween(1500L, 1503L);
        fx.drain();
        for (String id : List.of("q0", "q255", "q256", "q1499")) {
            fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order(id));
            assertThatThrownBy(() -> orders.createWithKV(order(id))).as(id).isInstanceOf(DuplicateKeyException.class)
                    .hasMessageContaining("database");
        }
    }

    @Test
    void aFilterKeepsTheLayerSizeItWasMadeWithWhenTheOptionChanges(RedisServer redis, DataSource db) {
        List<Order> batch = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            batch.add(order("s" + i));
        }
        orders.createManyWithKV(batch);
        fx.drain();
        // the application restarts with a larger first layer on the same namespace
        try (KvClient bigger = KvClient.builder().redis(redis.redisUri()).dataSource(db)
                .options(KvOptions.builder().namespace(fx.namespace).shards(1).keyFilterInitialBits(1 << 20).build()).build()) {
            KvRepository<Order> again = bigger.repository(Order.MODEL);
            for (String id : List.of("s0", "s600", "s1499")) {
                fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order(id));
                assertThatThrownBy(() -> again.createWithKV(order(id))).as(id).isInstanceOf(DuplicateKeyException.class)
                        .hasMessageContaining("database");
            }
            // and the filter did not grow to the new size: still the three small layers
            assertThat(fx.redis.strlen(fx.kv.keys().filterKey(0))).isLessThanOrEqualTo(8 + 21 * 1024);
        }
    }

    @Test
    void aFilterMadeWith16BitsPerKeyIsReadWithItsOwnLayers() {
        // the header of a filter made before the bits per key were recorded: looked for the old filter (2), f0 = 2^13, bits 40-43 zero
        fx.redis.bitfield(fx.kv.keys().filterKey(0), io.lettuce.core.BitFieldArgs.Builder
                .set(io.lettuce.core.BitFieldArgs.unsigned(2), 32, 2).set(io.lettuce.core.BitFieldArgs.unsigned(6), 34, 13));
        List<Order> batch = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            batch.add(order("w" + i));
        }
        orders.createManyWithKV(batch);
        // 16 bits per key: layers of 512 and 2,048 keys (8,192 + 32,768 bits), not the 32-bit layers of new filters
        long bytes = fx.redis.strlen(fx.kv.keys().filterKey(0));
        assertThat(bytes).isGreaterThan(8 + 1024).isLessThanOrEqualTo(8 + 5 * 1024);
        assertThat(fx.redis.bitfield(fx.kv.keys().filterKey(0), io.lettuce.core.BitFieldArgs.Builder
                .get(io.lettuce.core.BitFieldArgs.unsigned(4), 40)).get(0)).as("the recorded density stays the old one").isZero();
        // keys of both layers, drained and evicted, are still known
        fx.drain();
        for (String id : List.of("w0", "w511", "w512", "w1499")) {
            fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order(id));
            assertThatThrownBy(() -> orders.createWithKV(order(id))).as(id).isInstanceOf(DuplicateKeyException.class)
                    .hasMessageContaining("database");
        }
    }

    @Test
    void aRowCreatedUnderTheOldFixedFilterIsStillLookedForInTheDatabase() {
        // a row an earlier version created and evicted: in the database, in the old filter, not in the new one
        orders.createWithKV(order("old"));
        fx.drain();
        fx.evict(new KvFixture.KvRepositoryAccess<>(orders), order("old"));
        fx.redis.del(fx.kv.keys().filterKey(0));
        int size = fx.kv.options().keyFilterBits();
        for (long bit : fx.kv.keys().filterBits("orders", "old", size)) {
            fx.redis.setbit(fx.kv.keys().bloomKey(0), bit, 1);
        }
        assertThatThrownBy(() -> orders.createWithKV(order("old"))).isInstanceOf(DuplicateKeyException.class)
                .hasMessageContaining("database");
        assertThat(orders.findOneWithKV(ID.eq("old"))).isPresent();
        // a key neither filter knows is created without asking the database
        assertThat(orders.createWithKV(order("new")).version()).isEqualTo(1);
    }
}
