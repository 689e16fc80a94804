package io.kvframework.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class KvKeysTest {
    private final KvKeys keys = new KvKeys("kv", 64);

    @Test
    void keyFilterBitsAreIndependentOfTheShardSoTheFilterKeepsItsFalsePositiveRate() {
        // all keys of one shard, as the filter of that shard sees them
        int bits = 1 << 20;
        BitSet filter = new BitSet(bits);
        int inserted = 0;
        for (int i = 0; inserted < 50_000; i++) {
            String pk = "k" + i;
            if (keys.shard("orders", pk) == 7) {
                for (long b : keys.filterBits("orders", pk, bits)) {
                    filter.set((int) b);
                }
                inserted++;
            }
        }
        int probes = 0;
        int falsePositives = 0;
        for (int i = 0; probes < 50_000; i++) {
            String pk = "other" + i;
            if (keys.shard("orders", pk) == 7) {
                probes++;
                boolean all = true;
                for (long b : keys.filterBits("orders", pk, bits)) {
                    all &= filter.get((int) b);
                }
                falsePositives += all ? 1 : 0;
            }
        }
        // theory for n = 50k, m = 2^20, k = 4: about 0.09 %
        assertThat(falsePositives / (double) probes).isLessThan(0.005);
    }

    @Test
    void shardsSpreadAndKeysAreStable() {
        int[] counts = new int[64];
        for (int i = 0; i < 64_000; i++) {
            counts[keys.shard("orders", "o" + i)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(800, 1200);
        }
        assertThat(keys.rowKey(3, "orders", "a%3Ab")).isEqualTo("{kv:3}:r:orders:a%3Ab");
    }
}
