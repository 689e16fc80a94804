package io.kvframework.stream;

import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.lettuce.core.Consumer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * The one stream-processing loop every sink runs on: shard leases (owner-checked, fenced, shared
 * fairly among live instances), XREADGROUP per owned shard, batching, coalescing by key (highest
 * version wins), retries with exponential backoff and jitter on transient failures (the shard
 * waits, order is kept), bisection of failing batches to dead-letter the poison entries,
 * XACK only after the sink confirmed, XAUTOCLAIM of entries a dead instance left pending, and
 * trimming below what every consumer group has acknowledged.
 *
 * <p>The parts: {@link ShardLeasing} (leases, groups, claiming), {@link BatchWriter} (retries,
 * bisection, dead letters), {@link EngineMaintenance} (trimming, lag, stalls) and
 * {@link EngineMeters}. {@link #start()} runs one worker thread; {@link #close()} lets the batch in flight finish,
 * acknowledges it and releases the leases.
 */
public final class StreamEngine implements AutoCloseable {
    /** A sink call waiting longer than this to reach its target makes health SINK_UNAVAILABLE. */
    static final long UNREACHABLE_AFTER_MILLIS = 1000;

    private final EngineContext cx;
    private final KvClient kv;
    private final KvKeys keys;
    private final ChangeSink sink;
    private final EngineOptions options;
    private final String group;
    private final String me;
    private final List<java.util.function.Consumer<List<ShardEvent>>> commitListeners = new CopyOnWriteArrayList<>();
    private final DeadLetters deadLetters;
    private final StreamGroups streams;
    private final ShardLeasing leasing;
    private final Map<Integer, ShardLeasing.ShardState> owned;
    private final Map<Integer, Long> stalled = new ConcurrentHashMap<>();
    private final AtomicLong deadLetterCount = new AtomicLong();
    private final EngineMeters meters;
    private final EngineMaintenance maintenance;
    private final BatchWriter writer;
    private final ShardReader reader;
    private final BatchPipeline pipeline;
    private volatile boolean running;
    private volatile Throwable failure;
    private volatile Thread worker;
    private volatile Thread maintainer;
    private volatile Thread leaser;
    private int idlePolls;
    private long idleRounds;

    public StreamEngine(KvClient kv, ChangeSink sink, EngineOptions options) {
        this.kv = kv;
        this.keys = kv.keys();
        this.sink = sink;
        this.options = options;
        this.group = options.group();
        this.me = options.instanceId();
        this.cx = new EngineContext(kv, keys, group, me, options, sink, LoggerFactory.getLogger("kv-engine." + group));
        this.deadLetters = new DeadLetters(kv, group);
        this.streams = new StreamGroups(kv);
        this.leasing = new ShardLeasing(cx);
        this.owned = leasing.owned();
        // one registry for every component: the engine's own if set, otherwise the KvClient's (the application's)
        MeterRegistry registry = options.meterRegistry() != null ? options.meterRegistry() : kv.options().meterRegistry();
        this.meters = new EngineMeters(registry, Tags.of("namespace", keys.namespace(), "group", group, "sink", sink.name()),
                keys.shards(), owned, stalled, deadLetterCount);
        this.maintenance = new EngineMaintenance(cx, streams, meters, deadLetters, leasing, stalled, deadLetterCount);
        this.reader = new ShardReader(cx, leasing);
        this.writer = new BatchWriter(cx, meters, deadLetters, owned, () -> running, reader::ack);
        this.pipeline = new BatchPipeline(cx, owned, writer, reader, meters, commitListeners);
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
        leasing.createGroups(java.util.stream.IntStream.range(0, keys.shards()).boxed().toList());
        running = true;
        Thread t = options.newThread(this::loop, "kv-engine-" + group + "-" + me);
        worker = t;
        t.start();
        Thread m = options.newThread(() -> maintenance.loop(() -> running), "kv-engine-" + group + "-" + me + "-maintenance");
        maintainer = m;
        m.start();
        Thread l = options.newThread(() -> leasing.loop(() -> running), "kv-engine-" + group + "-" + me + "-leases");
        leaser = l;
        l.start();
        cx.log().info("kv-engine[{}]: instance {} started with sink {}", group, me, sink.name());
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
        if (writer.sinkFailing() || leasing.claimFailing() || sink.unreachableMillis() > UNREACHABLE_AFTER_MILLIS) {
            return HealthState.SINK_UNAVAILABLE;
        }
        if (deadLetterCount.get() > 0) {
            return HealthState.DEAD_LETTERS;
        }
        for (AtomicLong age : meters.oldestAgeMillis) {
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

    /** Age in milliseconds of the oldest entry not yet acknowledged on any owned shard, as of the last maintenance. */
    public long oldestAgeMillis() {
        long oldest = 0;
        for (AtomicLong age : meters.oldestAgeMillis) {
            oldest = Math.max(oldest, age.get());
        }
        return oldest;
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
        meters.close();
    }

    // ------------------------------------------------------------------ the loop

    private void loop() {
        try {
            while (running) {
                try {
                    // after a read that found nothing, the next one waits in Redis for new entries where it can
                    List<ShardReader.Entry> entries = reader.read(idlePolls > 0 ? idleWait() : null);
                    if (entries.isEmpty() && pipeline.inFlight() > 0) {
                        // nothing new: finish what is in flight before idling
                        pipeline.settle();
                    } else if (entries.isEmpty()) {
                        // idle: poll less and less often, up to ten poll intervals (or wait in Redis as long); once fully idle,
                        // look at this consumer's own pending entries again (a safety net: nothing delivered stays unprocessed)
                        if (idlePolls == 10 && ++idleRounds % 20 == 0) {
                            owned.values().forEach(state -> state.readPending = true);
                        }
                        idlePolls = Math.min(idlePolls + 1, 10);
                        if (!reader.lastReadWaited()) {
                            Thread.sleep(options.pollInterval().toMillis() * idlePolls);
                        }
                    } else {
                        idlePolls = 0;
                        // the next read travels while these entries are written
                        reader.readAhead();
                        pipeline.process(entries);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    // whatever was read and not acknowledged stays pending in Redis: read it again first
                    meters.retries.increment();
                    cx.log().warn("kv-engine[{}]: {} (retrying; pending entries are read again)", group, e.toString(), e);
                    pipeline.abandon();
                    owned.values().forEach(state -> state.readPending = true);
                    EngineContext.sleep(options.retryInitial().toMillis());
                }
            }
        } catch (VirtualMachineError e) {
            failure = e;
            cx.log().error("kv-engine[{}]: instance {} stops on {}; its shards are released for other instances", group, me, e.toString());
            throw e;
        } finally {
            running = false;
            finishInFlight();
            leasing.releaseAll();
            reader.close();
            cx.log().info("kv-engine[{}]: instance {} stopped", group, me);
        }
    }

    /**
     * How long an idle read waits in Redis for new entries: ten poll intervals, at most half the
     * command timeout (so that the lease thread's changes and {@link #close()} are seen soon).
     */
    private Duration idleWait() {
        long millis = Math.min(options.pollInterval().toMillis() * 10, kv.options().commandTimeout().toMillis() / 2);
        return Duration.ofMillis(Math.max(1, millis));
    }

    /** On the way out: the batches in flight are finished if their writes succeed, else left pending. */
    private void finishInFlight() {
        try {
            pipeline.settle();
            reader.awaitAcks();
        } catch (RuntimeException | Error e) {
            cx.log().warn("kv-engine[{}]: batches in flight could not be finished ({}); their entries stay pending", group, e.toString());
            pipeline.abandon();
        }
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

    private long backlog(int shard) {
        return streams.backlog(keys.streamKey(shard), group);
    }

    static int compareIds(String a, String b) {
        return StreamGroups.compareIds(a, b);
    }

    @Override
    public String toString() {
        return "StreamEngine[" + group + "/" + me + ", sink " + sink.name() + ", shards " + ownedShards() + "]";
    }
}
