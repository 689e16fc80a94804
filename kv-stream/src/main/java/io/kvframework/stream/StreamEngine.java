package io.kvframework.stream;

import io.kvframework.core.sink.SinkBatch;
import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.ChangeEvent;
import io.kvframework.core.KvException;
import io.kvframework.stream.internal.Leases;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one stream-processing loop every sink runs on: shard leases (owner-checked, fenced, shared
 * fairly among live instances), XREADGROUP per owned shard, batching, coalescing by key (highest
 * version wins), retries with exponential backoff and jitter on transient failures (the shard
 * waits, order is kept), bisection of failing batches to dead-letter the poison entries,
 * XACK only after the sink confirmed, XAUTOCLAIM of entries a dead instance left pending, and
 * trimming below what every consumer group has acknowledged.
 *
 * <p>{@link #start()} runs one worker thread; {@link #close()} lets the batch in flight finish,
 * acknowledges it and releases the leases.
 */
public final class StreamEngine implements AutoCloseable {
    private final Logger log;
    private final KvClient kv;
    private final KvKeys keys;
    private final ChangeSink sink;
    private final EngineOptions options;
    private final String group;
    private final String me;
    private final Leases leases;
    private final Map<Integer, ShardState> owned = new ConcurrentHashMap<>();
    private final List<java.util.function.Consumer<List<ShardEvent>>> commitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final DeadLetters deadLetters;
    private final StreamGroups streams;
    private final AtomicLong[] lagEntries;
    private final AtomicLong[] oldestAgeMillis;
    private final Timer batchLatency;
    private final DistributionSummary batchSize;
    private final Counter eventsWritten;
    private final Counter retries;
    private final Counter deadLettered;
    private final Timer commitLag;
    private volatile boolean running;
    private volatile boolean sinkFailing;
    private volatile boolean claimFailing;
    private final Map<Integer, Long> stalled = new ConcurrentHashMap<>();
    private final StallWatch stallWatch;
    private final AtomicLong deadLetterCount = new AtomicLong();
    private volatile Throwable failure;
    private volatile Thread worker;
    private volatile Thread maintainer;
    private volatile Thread leaser;
    private int idlePolls;
    private long idleRounds;

    /** Per-shard state of an owned shard. */
    private static final class ShardState {
        final long fence;
        final String committed;
        volatile boolean readPending = true;

        ShardState(long fence, String committed) {
            this.fence = fence;
            this.committed = committed;
        }
    }

    /** One stream entry read from a shard. */
    private record Entry(int shard, String id, Map<String, String> fields) {
    }

    /** A sink call waiting longer than this to reach its target makes health SINK_UNAVAILABLE. */
    static final long UNREACHABLE_AFTER_MILLIS = 1000;

    private final MeterRegistry registry;
    private final List<Meter> meters = new java.util.concurrent.CopyOnWriteArrayList<>();

    private <M extends Meter> M track(M meter) {
        meters.add(meter);
        return meter;
    }

    public StreamEngine(KvClient kv, ChangeSink sink, EngineOptions options) {
        this.kv = kv;
        this.keys = kv.keys();
        this.sink = sink;
        this.options = options;
        this.group = options.group();
        this.me = options.instanceId();
        this.log = LoggerFactory.getLogger("kv-engine." + group);
        this.leases = new Leases(kv, group, me, options.leaseTtl());
        this.deadLetters = new DeadLetters(kv, group);
        this.streams = new StreamGroups(kv);
        // one registry for every component: the engine's own if set, otherwise the KvClient's (the application's)
        this.registry = options.meterRegistry() != null ? options.meterRegistry() : kv.options().meterRegistry();
        Tags tags = Tags.of("namespace", keys.namespace(), "group", group, "sink", sink.name());
        this.stallWatch = new StallWatch(keys.shards(), options.stallTimeout());
        this.lagEntries = new AtomicLong[keys.shards()];
        this.oldestAgeMillis = new AtomicLong[keys.shards()];
        for (int s = 0; s < keys.shards(); s++) {
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
        track(Gauge.builder("kv.engine.dead.letters.waiting", deadLetterCount, AtomicLong::get).tags(tags)
                .description("dead letters waiting for an operator (their rows stay pinned in Redis)").register(registry));
    }

    /** The options this engine runs with. */
    public EngineOptions options() {
        return options;
    }

    /** Creates the consumer groups on every shard and starts the worker thread. */
    public synchronized StreamEngine start() {
        if (worker != null) {
            throw new IllegalStateException("engine " + group + " already started");
        }
        for (int s = 0; s < keys.shards(); s++) {
            createGroups(s);
        }
        running = true;
        Thread t = options.newThread(this::loop, "kv-engine-" + group + "-" + me);
        worker = t;
        t.start();
        Thread m = options.newThread(this::maintenanceLoop, "kv-engine-" + group + "-" + me + "-maintenance");
        maintainer = m;
        m.start();
        Thread l = options.newThread(this::leaseLoop, "kv-engine-" + group + "-" + me + "-leases");
        leaser = l;
        l.start();
        log.info("kv-engine[{}]: instance {} started with sink {}", group, me, sink.name());
        return this;
    }

    /** Calls {@code listener} with the events of every batch after it was committed and acknowledged (on the engine thread). */
    public void addCommitListener(java.util.function.Consumer<List<ShardEvent>> listener) {
        commitListeners.add(listener);
    }

    /** This instance's name. */
    public String instanceId() {
        return me;
    }

    /** Shards this instance owns right now. */
    public Set<Integer> ownedShards() {
        return new TreeSet<>(owned.keySet());
    }

    /** The dead letters of this engine's group. */
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /**
     * The engine's health, most severe first: {@code FAILED}, {@code STOPPED}, {@code STALLED} (a
     * shard without progress for {@code stallTimeout}), {@code SINK_UNAVAILABLE}, {@code DEAD_LETTERS}
     * (changes wait for an operator), {@code LAGGING}, {@code OK}. Refreshed every maintenance interval.
     */
    public HealthState health() {
        if (failure != null) {
            return HealthState.FAILED;
        }
        if (!running) {
            return HealthState.STOPPED;
        }
        if (!stalled.isEmpty()) {
            return HealthState.STALLED;
        }
        if (sinkFailing || claimFailing || sink.unreachableMillis() > UNREACHABLE_AFTER_MILLIS) {
            return HealthState.SINK_UNAVAILABLE;
        }
        if (deadLetterCount.get() > 0) {
            return HealthState.DEAD_LETTERS;
        }
        for (AtomicLong age : oldestAgeMillis) {
            if (age.get() > options.lagThreshold().toMillis()) {
                return HealthState.LAGGING;
            }
        }
        return HealthState.OK;
    }

    /** Shards without progress for {@code stallTimeout}: shard → age in milliseconds of its oldest unacknowledged entry. */
    public Map<Integer, Long> stalledShards() {
        return new java.util.TreeMap<>(stalled);
    }

    /** Dead letters of this engine's group, as counted at the last maintenance. */
    public long deadLetterCount() {
        return deadLetterCount.get();
    }

    /**
     * Entries of every shard that this engine's group has not yet acknowledged (undelivered plus
     * pending), counted now, whoever owns the shards.
     */
    public long backlog() {
        long total = 0;
        for (int s = 0; s < keys.shards(); s++) {
            total += backlog(s);
        }
        return total;
    }

    /**
     * Whether this engine's group has processed a shard's stream up to and including {@code id}:
     * delivered past it, and nothing at or below it still pending.
     */
    public boolean processedUpTo(int shard, String id) {
        String stream = keys.streamKey(shard);
        Optional<StreamGroups.Group> g = streams.group(stream, group);
        if (g.isEmpty() || compareIds(g.get().lastDelivered(), id) < 0) {
            return false;
        }
        if (g.get().pending() == 0) {
            return true;
        }
        String oldest = streams.oldestPending(stream, group);
        return oldest == null || compareIds(oldest, id) > 0;
    }

    /** What Redis and the leases say of every shard for this engine's group, read now. */
    public List<ShardStatus> shardStatus() {
        return ShardStatus.read(kv, group);
    }

    /** Waits until {@link #backlog()} is zero; false on timeout. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (backlog() == 0) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public void close() {
        Thread t;
        Thread m;
        synchronized (this) {
            running = false;
            t = worker;
            m = maintainer;
        }
        // the lease thread stops after the worker released the leases (see loop())
        for (Thread thread : new Thread[] {t, m, leaser}) {
            if (thread != null) {
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        sink.close();
        // like a closed HikariCP pool: its meters leave the registry it shares with the application
        meters.forEach(registry::remove);
        meters.clear();
    }

    // ------------------------------------------------------------------ the loop

    private void loop() {
        try {
            while (running) {
                try {
                    List<Entry> entries = read();
                    if (entries.isEmpty()) {
                        // idle: poll less and less often, up to ten poll intervals; once fully idle, look at this
                        // consumer's own pending entries again (a safety net: nothing delivered stays unprocessed)
                        if (idlePolls == 10 && ++idleRounds % 20 == 0) {
                            owned.values().forEach(state -> state.readPending = true);
                        }
                        idlePolls = Math.min(idlePolls + 1, 10);
                        Thread.sleep(options.pollInterval().toMillis() * idlePolls);
                    } else {
                        idlePolls = 0;
                        process(entries);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    // whatever was read and not acknowledged stays pending in Redis: read it again first
                    log.warn("kv-engine[{}]: {} (retrying; pending entries are read again)", group, e.toString(), e);
                    owned.values().forEach(state -> state.readPending = true);
                    sleep(options.retryInitial().toMillis());
                }
            }
        } catch (VirtualMachineError e) {
            failure = e;
            log.error("kv-engine[{}]: instance {} stops on {}; its shards are released for other instances", group, me, e.toString());
            throw e;
        } finally {
            running = false;
            releaseAll();
        }
    }

    private synchronized void releaseAll() {
        for (Integer shard : new ArrayList<>(owned.keySet())) {
            try {
                leases.release(shard);
            } catch (RuntimeException e) {
                log.warn("kv-engine[{}]: releasing shard {} failed: {}", group, shard, e.toString());
            }
            owned.remove(shard);
        }
        try {
            await(redis().zrem(membersKey(), me), "leaving the member list");
        } catch (RuntimeException e) {
            log.debug("kv-engine[{}]: leaving the member list failed: {}", group, e.toString());
        }
        log.info("kv-engine[{}]: instance {} stopped", group, me);
    }

    // ------------------------------------------------------------------ leases and rebalancing

    /** Renews and rebalances leases on its own thread, so that a slow batch never lets a lease expire. */
    private void leaseLoop() {
        while (running) {
            try {
                leaseWork();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                log.warn("kv-engine[{}]: lease work failed: {}", group, e.toString());
            }
            sleep(options.leaseRenewInterval().toMillis());
        }
    }

    private String membersKey() {
        return keys.membersKey(group);
    }

    /** Renews owned leases, then takes free shards up to a fair share and gives back any above it. */
    private synchronized void leaseWork() {
        if (!running) {
            return;
        }
        long now = System.currentTimeMillis();
        await(redis().zadd(membersKey(), now + options.leaseTtl().toMillis(), me), "joining the member list");
        await(redis().zremrangebyscore(membersKey(), Range.create(Double.NEGATIVE_INFINITY, (double) now)), "pruning members");
        long live = Math.max(1, await(redis().zcard(membersKey()), "counting members"));
        long renewed = renewOwned();
        int fair = (int) Math.ceil(keys.shards() / (double) live);
        if (owned.size() > fair) {
            List<Integer> mine = new ArrayList<>(owned.keySet());
            for (int i = fair; i < mine.size(); i++) {
                int shard = mine.get(i);
                owned.remove(shard);
                leases.release(shard);
            }
            log.info("kv-engine[{}]: gave back shards to keep a fair share of {} ({} instances)", group, fair, live);
            return;
        }
        int start = ThreadLocalRandom.current().nextInt(keys.shards());
        for (int i = 0; i < keys.shards() && owned.size() < fair; i++) {
            int shard = (start + i) % keys.shards();
            if (owned.containsKey(shard)) {
                continue;
            }
            if (System.nanoTime() - renewed > TimeUnit.MILLISECONDS.toNanos(options.leaseRenewInterval().toMillis())) {
                // taking a shard asks the sink (a database that may be slow or down): keep the other leases alive meanwhile
                renewed = renewOwned();
            }
            long fence = leases.acquire(shard);
            if (fence > 0) {
                try {
                    take(shard, fence);
                    claimFailing = false;
                } catch (Exception e) {
                    leases.release(shard);
                    claimFailing = true;
                    throw new KvException("kv-engine[" + group + "]: taking shard " + shard + " failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Renews every owned lease, dropping the shards whose lease was lost; returns when it did (nanoTime). */
    private long renewOwned() {
        for (Integer shard : new ArrayList<>(owned.keySet())) {
            if (leases.renew(shard) == 0) {
                owned.remove(shard);
                log.warn("kv-engine[{}]: lost the lease of shard {}", group, shard);
            }
        }
        return System.nanoTime();
    }

    private void take(int shard, long fence) throws Exception {
        Optional<String> committed = sink.claim(shard, fence);
        String stream = keys.streamKey(shard);
        String cursor = "0-0";
        int claimed = 0;
        do {
            ClaimedMessages<String, String> c;
            try {
                c = await(redis().xautoclaim(stream, XAutoClaimArgs.Builder.xautoclaim(Consumer.from(group, me), Duration.ZERO, cursor)
                        .count(1000)), "claiming pending entries");
            } catch (KvException e) {
                if (!noGroup(e)) {
                    throw e;
                }
                recreateGroups(shard);
                continue; // the new group has nothing pending: the loop ends with cursor 0-0
            }
            claimed += c.getMessages().size();
            cursor = c.getId();
        } while (!"0-0".equals(cursor));
        owned.put(shard, new ShardState(fence, committed.orElse(null)));
        log.info("kv-engine[{}]: took shard {} (fence {}, {} pending entries claimed, committed up to {})", group, shard, fence, claimed,
                committed.orElse("nothing"));
    }

    /**
     * Creates this engine's consumer group, and the groups it must retain entries for, on one
     * shard's stream unless they exist. Returns how many were created.
     */
    private int createGroups(int shard) {
        List<String> groups = new ArrayList<>(List.of(group));
        groups.addAll(options.retainForGroups());
        int created = 0;
        for (String g : groups) {
            try {
                await(redis().xgroupCreate(XReadArgs.StreamOffset.from(keys.streamKey(shard), "0"), g, XGroupCreateArgs.Builder.mkstream()),
                        "creating group " + g);
                created++;
            } catch (KvException e) {
                if (!(e.getCause() instanceof RedisBusyException)) {
                    throw e;
                }
            }
        }
        return created;
    }

    /**
     * Redis lost the stream and its groups (a restart without persistence, a flush): what it held is
     * gone, but new writes must still be drained, so the groups are created again.
     */
    private void recreateGroups(int shard) {
        int created = createGroups(shard);
        log.warn("kv-engine[{}]: shard {} had no consumer group (Redis lost its data?); created {} group(s) again, reading from the"
                + " start of the stream", group, shard, created);
    }

    private static boolean noGroup(KvException e) {
        return e.getCause() != null && String.valueOf(e.getCause().getMessage()).startsWith("NOGROUP");
    }

    // ------------------------------------------------------------------ reading

    private List<Entry> read() {
        if (owned.isEmpty()) {
            return List.of();
        }
        int perShard = Math.max(16, options.batchSize() / owned.size());
        Map<Integer, RedisFuture<List<StreamMessage<String, String>>>> futures = new LinkedHashMap<>();
        for (Map.Entry<Integer, ShardState> e : owned.entrySet()) {
            String stream = keys.streamKey(e.getKey());
            XReadArgs.StreamOffset<String> offset = e.getValue().readPending ? XReadArgs.StreamOffset.from(stream, "0")
                    : XReadArgs.StreamOffset.lastConsumed(stream);
            futures.put(e.getKey(), redis().xreadgroup(Consumer.from(group, me), XReadArgs.Builder.count(perShard), offset));
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<Integer, RedisFuture<List<StreamMessage<String, String>>>> f : futures.entrySet()) {
            List<StreamMessage<String, String>> messages;
            try {
                messages = await(f.getValue(), "reading shard " + f.getKey());
            } catch (KvException e) {
                if (!noGroup(e)) {
                    throw e;
                }
                recreateGroups(f.getKey());
                continue;
            }
            ShardState state = owned.get(f.getKey());
            if (state != null && state.readPending && messages.isEmpty()) {
                state.readPending = false;
            }
            for (StreamMessage<String, String> m : messages) {
                if (m.getBody() == null || m.getBody().isEmpty()) {
                    // a pending entry that was trimmed or deleted: nothing to process, only to acknowledge
                    ack(f.getKey(), List.of(m.getId()));
                    continue;
                }
                entries.add(new Entry(f.getKey(), m.getId(), m.getBody()));
            }
            // no early exit: Redis has delivered every reply's entries to this consumer, so each must be processed
        }
        return entries;
    }

    // ------------------------------------------------------------------ processing

    private void process(List<Entry> entries) {
        long started = System.nanoTime();
        Map<Integer, List<String>> ids = new LinkedHashMap<>();
        Map<Integer, String> last = new LinkedHashMap<>();
        List<ShardEvent> every = new ArrayList<>();
        Map<Integer, List<String>> alreadyDone = new HashMap<>();
        Map<Integer, Long> fences = new HashMap<>();
        for (Entry e : entries) {
            // the lease thread may give a shard away meanwhile: its fence is taken once, here
            ShardState state = owned.get(e.shard());
            if (state == null) {
                continue;
            }
            fences.put(e.shard(), state.fence);
            ids.computeIfAbsent(e.shard(), k -> new ArrayList<>()).add(e.id());
            last.put(e.shard(), e.id());
            if (state.committed != null && compareIds(e.id(), state.committed) <= 0) {
                alreadyDone.computeIfAbsent(e.shard(), k -> new ArrayList<>()).add(e.id());
                continue;
            }
            ChangeEvent event;
            try {
                event = ChangeEvent.fromStreamEntry(e.fields());
                sink.check(event);
            } catch (RuntimeException poison) {
                deadLetter(e.shard(), e.id(), e.fields(), poison);
                continue;
            }
            every.add(new ShardEvent(e.shard(), e.id(), event));
        }
        if (!alreadyDone.isEmpty()) {
            log.info("kv-engine[{}]: skipped {} entries already written by the sink", group,
                    alreadyDone.values().stream().mapToInt(List::size).sum());
        }
        Map<Integer, SinkBatch.Position> positions = new LinkedHashMap<>();
        last.forEach((shard, id) -> positions.put(shard, new SinkBatch.Position(id, fences.get(shard))));
        List<ShardEvent> events = sink.coalesce() ? Coalescing.latestPerKey(every) : every;
        poisoned.clear();
        Outcome outcome = writeBatch(events, positions);
        if (outcome == Outcome.FENCED || outcome == Outcome.ABANDONED) {
            return;
        }
        if (!poisoned.isEmpty()) {
            // a dead-lettered change did not reach the sink: nothing after the commit may treat it as written
            // (the drainer would schedule the row's eviction from Redis, and the change would be lost)
            events = new ArrayList<>(events);
            events.removeAll(poisoned);
        }
        long committedAt = System.currentTimeMillis();
        for (ShardEvent e : events) {
            commitLag.record(Math.max(0, committedAt - e.event().timestampMillis()), TimeUnit.MILLISECONDS);
        }
        ackAll(ids);
        sink.afterCommit(new SinkBatch(events, positions));
        for (java.util.function.Consumer<List<ShardEvent>> listener : commitListeners) {
            listener.accept(events);
        }
        batchSize.record(events.size());
        eventsWritten.increment(events.size());
        batchLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private enum Outcome { WRITTEN, FENCED, ABANDONED }

    /** Writes a batch, retrying transient failures and bisecting permanent ones; positions are committed last. */
    private Outcome writeBatch(List<ShardEvent> events, Map<Integer, SinkBatch.Position> positions) {
        Outcome outcome = attempt(new SinkBatch(events, positions), true);
        if (outcome != null) {
            return outcome;
        }
        // a permanent failure: find the poison entries, then record the positions on their own
        Outcome bisected = bisect(events);
        if (bisected != Outcome.WRITTEN) {
            return bisected;
        }
        Outcome done = attempt(new SinkBatch(List.of(), positions), false);
        return done == null ? Outcome.ABANDONED : done;
    }

    private Outcome bisect(List<ShardEvent> events) {
        Outcome[] stopped = new Outcome[1];
        boolean done = Bisection.bisect(events, part -> {
            Outcome outcome = attempt(new SinkBatch(part, Map.of()), true);
            if (outcome == null) {
                return Bisection.Attempt.PERMANENT;
            }
            if (outcome != Outcome.WRITTEN) {
                stopped[0] = outcome;
                return Bisection.Attempt.STOP;
            }
            return Bisection.Attempt.WRITTEN;
        }, poison -> {
            deadLetter(poison.shard(), poison.entryId(), poison.event().toStreamEntry(), lastPermanent);
            poisoned.add(poison);
        });
        return done ? Outcome.WRITTEN : stopped[0];
    }

    private Exception lastPermanent;
    /** Events of the batch in hand that were dead-lettered (engine thread only). */
    private final List<ShardEvent> poisoned = new ArrayList<>();

    /** Writes with retries; returns null on a permanent failure (when {@code permanentIsPoison}). */
    private Outcome attempt(SinkBatch batch, boolean permanentIsPoison) {
        for (int attempt = 0; ; attempt++) {
            try {
                sink.write(batch);
                if (sinkFailing) {
                    sinkFailing = false;
                    log.info("kv-engine[{}]: sink {} is writing again", group, sink.name());
                }
                return Outcome.WRITTEN;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable thrown) {
                // an Error from a sink or its driver (an assertion, a linkage problem) is a failed write, not the end of the engine
                Exception e = thrown instanceof Exception x ? x : new KvException("sink " + sink.name() + " threw " + thrown, thrown);
                ChangeSink.Failure kind = sink.classify(e);
                if (kind == ChangeSink.Failure.FENCED) {
                    log.warn("kv-engine[{}]: fenced out of shards {}: {}", group, batch.positions().keySet(), e.getMessage());
                    batch.positions().keySet().forEach(owned::remove);
                    return Outcome.FENCED;
                }
                if (kind == ChangeSink.Failure.PERMANENT && permanentIsPoison) {
                    lastPermanent = e;
                    return null;
                }
                retries.increment();
                if (!sinkFailing || attempt % 20 == 0) {
                    log.warn("kv-engine[{}]: sink {} failed ({}), retry {} in backoff", group, sink.name(), e.toString(), attempt + 1);
                }
                sinkFailing = true;
                if (!running) {
                    log.warn("kv-engine[{}]: stopping while the sink fails; {} events stay pending for the next owner", group,
                            batch.events().size());
                    return Outcome.ABANDONED;
                }
                sleep(backoff(attempt));
            }
        }
    }

    private long backoff(int attempt) {
        return backoffMillis(attempt, options.retryInitial(), options.retryMax(), ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The pause before retry {@code attempt + 1}: {@code initial} doubled per attempt, capped at
     * {@code max}, then jittered to between half and all of it ({@code random} in [0, 1)). The one
     * backoff of every sink (the engine's, the ClickHouse loader's).
     */
    public static long backoffMillis(int attempt, Duration initial, Duration max, double random) {
        long base = initial.toMillis() << Math.min(attempt, 16);
        long capped = Math.min(base, max.toMillis());
        return capped / 2 + (long) (random * (capped / 2 + 1));
    }

    private void deadLetter(int shard, String entryId, Map<String, String> fields, Exception error) {
        deadLetters.add(shard, entryId, fields, error);
        ack(shard, List.of(entryId));
        deadLettered.increment();
        log.warn("kv-engine[{}]: dead-lettered entry {} of shard {}: {}", group, entryId, shard, error == null ? "?" : error.toString());
    }

    /** Acknowledges the entries of several shards in one pipelined round trip. */
    private void ackAll(Map<Integer, List<String>> ids) {
        List<RedisFuture<Long>> futures = new ArrayList<>();
        ids.forEach((shard, list) -> futures.add(redis().xack(keys.streamKey(shard), group, list.toArray(String[]::new))));
        for (RedisFuture<Long> f : futures) {
            await(f, "acknowledging");
        }
    }

    private void ack(int shard, List<String> ids) {
        if (!ids.isEmpty()) {
            await(redis().xack(keys.streamKey(shard), group, ids.toArray(String[]::new)), "acknowledging shard " + shard);
        }
    }

    // ------------------------------------------------------------------ maintenance

    /** Trimming, lag metrics and the sink's housekeeping, off the processing thread. */
    private void maintenanceLoop() {
        while (running) {
            try {
                maintenance();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                log.warn("kv-engine[{}]: maintenance failed: {}", group, e.toString());
            }
            sleep(options.maintenanceInterval().toMillis());
        }
    }

    private void maintenance() {
        Set<Integer> mine = ownedShards();
        for (int shard : mine) {
            trim(shard);
        }
        for (int s = 0; s < keys.shards(); s++) {
            if (mine.contains(s)) {
                updateLag(s);
            } else {
                lagEntries[s].set(0);
                oldestAgeMillis[s].set(0);
            }
        }
        updateProgress();
        deadLetterCount.set(deadLetters.count());
        sink.maintain(mine);
    }

    /** Trims the shard's stream below the oldest entry any consumer group still needs. */
    private void trim(int shard) {
        String stream = keys.streamKey(shard);
        String keepFrom = null;
        for (StreamGroups.Group g : streams.groups(stream)) {
            String needed = g.pending() > 0 ? streams.oldestPending(stream, g.name()) : g.lastDelivered();
            if (needed == null) {
                return;
            }
            keepFrom = keepFrom == null || compareIds(needed, keepFrom) < 0 ? needed : keepFrom;
        }
        if (keepFrom != null && !keepFrom.equals("0-0")) {
            await(redis().xtrim(stream, XTrimArgs.Builder.minId(keepFrom)), "trimming shard " + shard);
        }
    }

    /**
     * Looks at every shard, owned or not: a shard whose oldest unacknowledged entry has not changed
     * for {@code stallTimeout} is stalled (nobody drains it, or its batch never commits).
     */
    private void updateProgress() {
        long now = System.currentTimeMillis();
        for (int s = 0; s < keys.shards(); s++) {
            String stream = keys.streamKey(s);
            Optional<StreamGroups.Group> g = streams.group(stream, group);
            long backlog = g.isEmpty() ? await(redis().xlen(stream), "measuring shard " + s) : streams.backlog(stream, g.get());
            if (backlog == 0) {
                stallWatch.observe(s, 0, null, now);
                stalled.remove(s);
                continue;
            }
            String front = g.isEmpty() ? "-" : g.get().pending() > 0 ? streams.oldestPending(stream, group) : g.get().lastDelivered();
            StallWatch.State state = stallWatch.observe(s, backlog, front, now);
            if (state == StallWatch.State.MOVING) {
                stalled.remove(s);
            } else if (state == StallWatch.State.STALLED_NOW || state == StallWatch.State.STILL_STALLED) {
                long unchanged = stallWatch.unchangedMillis(s, now);
                long age = g.isEmpty() ? unchanged : streams.oldestAgeMillis(stream, g.get());
                stalled.put(s, age);
                if (state == StallWatch.State.STALLED_NOW) {
                    log.warn("kv-engine[{}]: shard {} is stalled: {} entries not acknowledged, no progress for {} ms, oldest entry {} ms old"
                            + " (owner {})", group, s, backlog, unchanged, age, Leases.holder(kv, group, s));
                }
            }
        }
    }

    /** Backlog and oldest-entry age of a shard. */
    private void updateLag(int shard) {
        String stream = keys.streamKey(shard);
        Optional<StreamGroups.Group> g = streams.group(stream, group);
        long lag = g.isEmpty() ? await(redis().xlen(stream), "measuring shard " + shard) : streams.backlog(stream, g.get());
        lagEntries[shard].set(lag);
        oldestAgeMillis[shard].set(lag == 0 || g.isEmpty() ? 0 : streams.oldestAgeMillis(stream, g.get()));
    }

    private long backlog(int shard) {
        return streams.backlog(keys.streamKey(shard), group);
    }

    static int compareIds(String a, String b) {
        return StreamGroups.compareIds(a, b);
    }

    private RedisClusterAsyncCommands<String, String> redis() {
        return kv.redis();
    }

    private <T> T await(RedisFuture<T> f, String what) {
        return Futures.await(f, kv.options().commandTimeout(), what);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "StreamEngine[" + group + "/" + me + ", sink " + sink.name() + ", shards " + ownedShards() + "]";
    }
}
