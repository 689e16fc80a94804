package io.kvframework.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one engine, tagged with namespace, group and sink (lag and oldest age also per
 * shard). Like a closed HikariCP pool's, they leave the registry the engine shares with the
 * application when it closes.
 */
final class EngineMeters implements AutoCloseable {
    final AtomicLong[] lagEntries;
    final AtomicLong[] oldestAgeMillis;
    final Timer batchLatency;
    final DistributionSummary batchSize;
    final Counter eventsWritten;
    final Counter retries;
    final Counter deadLettered;
    final Timer commitLag;
    private final MeterRegistry registry;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();

    EngineMeters(MeterRegistry registry, Tags tags, int shards, Map<Integer, ?> owned, Map<Integer, Long> stalled, AtomicLong deadLetters) {
        this.registry = registry;
        this.lagEntries = new AtomicLong[shards];
        this.oldestAgeMillis = new AtomicLong[shards];
        for (int s = 0; s < shards; s++) {
            lagEntries[s] = new AtomicLong();
            oldestAgeMillis[s] = new AtomicLong();
            Tags shardTags = tags.and("shard", Integer.toString(s));
            track(Gauge.builder("kv.engine.lag", lagEntries[s], AtomicLong::get).description("entries not yet delivered or acknowledged")
                    .tags(shardTags).register(registry));
            track(Gauge.builder("kv.engine.oldest.age", oldestAgeMillis[s], AtomicLong::get).baseUnit("milliseconds")
                    .description("age of the oldest entry not yet acknowledged").tags(shardTags).register(registry));
        }
        this.batchLatency = track(Timer.builder("kv.engine.batch.latency").tags(tags).publishPercentiles(0.5, 0.99).register(registry));
        this.batchSize = track(DistributionSummary.builder("kv.engine.batch.size").tags(tags).register(registry));
        this.eventsWritten = track(Counter.builder("kv.engine.events").description("events written by the sink").tags(tags).register(registry));
        this.retries = track(Counter.builder("kv.engine.retries").tags(tags).register(registry));
        this.deadLettered = track(Counter.builder("kv.engine.dead.letters").tags(tags).register(registry));
        this.commitLag = track(Timer.builder("kv.engine.commit.lag").description("time from the write to Redis until the sink committed it")
                .tags(tags).publishPercentiles(0.5, 0.99).register(registry));
        track(Gauge.builder("kv.engine.owned.shards", owned, Map::size).tags(tags).register(registry));
        track(Gauge.builder("kv.engine.stalled.shards", stalled, Map::size).tags(tags)
                .description("shards with unacknowledged entries and no progress for stallTimeout").register(registry));
        track(Gauge.builder("kv.engine.dead.letters.waiting", deadLetters, AtomicLong::get).tags(tags)
                .description("dead letters waiting for an operator (their rows stay pinned in Redis)").register(registry));
    }

    private <M extends Meter> M track(M meter) {
        meters.add(meter);
        return meter;
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
