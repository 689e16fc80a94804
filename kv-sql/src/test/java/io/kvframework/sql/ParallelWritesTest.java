package io.kvframework.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a batch is divided among connections, and how a failing share fails the batch. */
class ParallelWritesTest {
    private static ShardEvent event(int shard, int n) {
        return new ShardEvent(shard, n + "-0", new ChangeEvent("t", ChangeEvent.Op.CREATE, "k" + shard + "-" + n, 1, 0, Map.of("id", "x")));
    }

    private static SinkBatch batch(int... eventsPerShard) {
        List<ShardEvent> events = new ArrayList<>();
        Map<Integer, SinkBatch.Position> positions = new LinkedHashMap<>();
        for (int shard = 0; shard < eventsPerShard.length; shard++) {
            for (int n = 1; n <= eventsPerShard[shard]; n++) {
                events.add(event(shard, n));
            }
            positions.put(shard, new SinkBatch.Position(eventsPerShard[shard] + "-0", 7));
        }
        return new SinkBatch(events, positions);
    }

    @Test
    void eachShardGoesWhollyToOneShareWithItsPositionAndOrder() {
        SinkBatch b = batch(5, 1, 1, 3, 0);
        List<SinkBatch> shares = ParallelWrites.split(b, 2);
        assertThat(shares).hasSize(2);
        assertThat(shares.stream().mapToInt(s -> s.events().size()).sum()).isEqualTo(10);
        assertThat(shares.stream().mapToInt(s -> s.positions().size()).sum()).isEqualTo(5);
        for (SinkBatch share : shares) {
            for (ShardEvent e : share.events()) {
                assertThat(share.positions()).containsKey(e.shard());
            }
            for (int shard : share.positions().keySet()) {
                List<ShardEvent> mine = share.events().stream().filter(e -> e.shard() == shard).toList();
                assertThat(mine).isEqualTo(b.events().stream().filter(e -> e.shard() == shard).toList());
            }
        }
        // 5 | 1+1+3 (+0): as even as whole shards allow
        assertThat(shares.stream().map(s -> s.events().size()).sorted().toList()).isEqualTo(List.of(5, 5));
    }

    @Test
    void oneShardOrOneConnectionIsOneShare() {
        SinkBatch one = batch(4);
        assertThat(ParallelWrites.split(one, 4)).containsExactly(one);
        SinkBatch many = batch(1, 2, 3);
        assertThat(ParallelWrites.split(many, 1)).containsExactly(many);
        assertThat(ParallelWrites.split(batch(1, 1), 8)).hasSize(2);
    }

    @Test
    void eventsWithoutPositionsAreSplitByTheirShards() {
        SinkBatch bisected = new SinkBatch(List.of(event(0, 1), event(1, 1), event(0, 2)), Map.of());
        List<SinkBatch> shares = ParallelWrites.split(bisected, 2);
        assertThat(shares).hasSize(2);
        assertThat(shares).allSatisfy(s -> assertThat(s.positions()).isEmpty());
    }

    @Test
    void everyShareIsWrittenAndAFailingShareFailsTheBatch() {
        try (ParallelWrites writes = new ParallelWrites(3, "test")) {
            List<Integer> written = Collections.synchronizedList(new ArrayList<>());
            writes.run(batch(2, 2, 2), share -> written.addAll(share.positions().keySet()));
            assertThat(written).containsExactlyInAnyOrder(0, 1, 2);

            IllegalStateException refused = new IllegalStateException("share of shard 2 refused");
            assertThatThrownBy(() -> writes.run(batch(2, 2, 2), share -> {
                if (share.positions().containsKey(2)) {
                    throw refused;
                }
            })).isSameAs(refused);
        }
        assertThatThrownBy(() -> new ParallelWrites(0, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
