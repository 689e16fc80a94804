package io.kvframework.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.sink.ShardEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The engine's pure parts, without a server: coalescing, bisection, backoff. */
class EngineLogicTest {

    private static ShardEvent event(int shard, String id, String table, String key, long version) {
        return new ShardEvent(shard, id, new ChangeEvent(table, version == 1 ? ChangeEvent.Op.CREATE : ChangeEvent.Op.UPDATE, key, version,
                1L, Map.of("id", key)));
    }

    @Test
    void coalescingKeepsTheNewestVersionOfEachRowAtItsFirstPlace() {
        List<ShardEvent> batch = List.of(event(0, "1-0", "a", "k1", 1), event(0, "2-0", "a", "k2", 1), event(0, "3-0", "a", "k1", 3),
                event(0, "4-0", "b", "k1", 1), event(0, "5-0", "a", "k1", 2));
        List<ShardEvent> out = Coalescing.latestPerKey(batch);
        assertThat(out).extracting(ShardEvent::entryId).containsExactly("3-0", "2-0", "4-0");
        assertThat(Coalescing.latestPerKey(List.of())).isEmpty();
    }

    /** A sink that refuses any part holding a poison item, and records what it wrote. */
    private static final class PickySink {
        final Set<Integer> poison;
        final List<Integer> written = new ArrayList<>();
        int attempts;

        PickySink(Set<Integer> poison) {
            this.poison = poison;
        }

        Bisection.Attempt write(List<Integer> part) {
            attempts++;
            if (part.stream().anyMatch(poison::contains)) {
                return Bisection.Attempt.PERMANENT;
            }
            written.addAll(part);
            return Bisection.Attempt.WRITTEN;
        }
    }

    @Test
    void bisectionFindsExactlyThePoisonAndWritesEverythingElseInOrder() {
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        PickySink sink = new PickySink(Set.of(3, 500, 999));
        List<Integer> dead = new ArrayList<>();
        assertThat(Bisection.bisect(items, sink::write, dead::add)).isTrue();
        assertThat(dead).containsExactly(3, 500, 999);
        assertThat(sink.written).hasSize(997).isSorted().doesNotContain(3, 500, 999);
        assertThat(sink.attempts).as("about 2k log2 n attempts").isLessThanOrEqualTo(2 * 3 * 10 + 1);
    }

    @Test
    void bisectionOfACleanBatchIsOneAttemptAndAStopStopsEverything() {
        PickySink clean = new PickySink(Set.of());
        assertThat(Bisection.bisect(List.of(1, 2, 3), clean::write, x -> { })).isTrue();
        assertThat(clean.attempts).isEqualTo(1);
        List<Integer> tried = new ArrayList<>();
        boolean done = Bisection.bisect(List.of(1, 2, 3, 4), part -> {
            tried.add(part.size());
            return part.size() == 4 ? Bisection.Attempt.PERMANENT : Bisection.Attempt.STOP;
        }, x -> { });
        assertThat(done).isFalse();
        assertThat(tried).containsExactly(4, 2);
    }

    @Test
    void backoffDoublesUpToTheCapWithJitterBetweenHalfAndAll() {
        Duration initial = Duration.ofMillis(100);
        Duration max = Duration.ofSeconds(5);
        assertThat(StreamEngine.backoffMillis(0, initial, max, 0.0)).isEqualTo(50);
        assertThat(StreamEngine.backoffMillis(0, initial, max, 0.999)).isBetween(99L, 100L);
        assertThat(StreamEngine.backoffMillis(3, initial, max, 0.0)).isEqualTo(400);
        assertThat(StreamEngine.backoffMillis(30, initial, max, 0.999)).isBetween(4990L, 5000L);
        assertThat(StreamEngine.backoffMillis(30, initial, max, 0.0)).isEqualTo(2500);
    }

    @Test
    void threadsComeFromTheGivenFactoryOrAreNamedDaemons() {
        Thread own = EngineOptions.builder("drainer").instanceId("d1").build().newThread(() -> { }, "kv-engine-drainer-d1");
        assertThat(own.isDaemon()).isTrue();
        assertThat(own.getName()).isEqualTo("kv-engine-drainer-d1");
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        EngineOptions managed = EngineOptions.builder("drainer").threadFactory(r -> {
            made.incrementAndGet();
            return new Thread(r, "managed-" + made.get());
        }).build();
        assertThat(managed.newThread(() -> { }, "ignored").getName()).isEqualTo("managed-1");
        assertThat(made).hasValue(1);
    }

    @Test
    void aShardIsStalledWhenItsFrontDoesNotMoveForStallTimeout() {
        StallWatch watch = new StallWatch(2, Duration.ofSeconds(60));
        assertThat(watch.observe(0, 0, null, 0)).isEqualTo(StallWatch.State.IDLE);
        assertThat(watch.observe(0, 5, "1-0", 1_000)).isEqualTo(StallWatch.State.MOVING);
        assertThat(watch.observe(0, 5, "1-0", 61_000)).as("exactly the timeout is not yet stalled").isEqualTo(StallWatch.State.MOVING);
        assertThat(watch.observe(0, 5, "1-0", 61_001)).isEqualTo(StallWatch.State.STALLED_NOW);
        assertThat(watch.observe(0, 9, "1-0", 90_000)).isEqualTo(StallWatch.State.STILL_STALLED);
        assertThat(watch.unchangedMillis(0, 90_000)).isEqualTo(89_000);
        assertThat(watch.observe(0, 9, "2-0", 91_000)).as("progress ends the stall").isEqualTo(StallWatch.State.MOVING);
        assertThat(watch.observe(0, 9, "2-0", 152_000)).isEqualTo(StallWatch.State.STALLED_NOW);
        assertThat(watch.observe(0, 0, null, 153_000)).as("drained").isEqualTo(StallWatch.State.IDLE);
        assertThat(watch.observe(0, 1, "2-0", 154_000)).as("new work starts a new clock").isEqualTo(StallWatch.State.MOVING);
        assertThat(watch.observe(1, 3, "-", 1_000)).as("shards are watched apart").isEqualTo(StallWatch.State.MOVING);
    }

    @Test
    void aFrontNotReadableAtTheFirstLookStartsTheClockInsteadOfCountingFromTheEpoch() {
        StallWatch watch = new StallWatch(1, Duration.ofSeconds(60));
        // the pending entries were acknowledged between counting and asking for the oldest: no front
        long now = 1_796_615_923_113L;
        assertThat(watch.observe(0, 1, null, now)).isEqualTo(StallWatch.State.MOVING);
        assertThat(watch.unchangedMillis(0, now)).isZero();
        assertThat(watch.observe(0, 1, null, now + 60_001)).isEqualTo(StallWatch.State.STALLED_NOW);
    }
}
