package io.kvframework.stream;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Turns the entries the engine read into batches and sees each through the sink: decoding (poison
 * entries go to the dead letters), skipping what the sink already holds, coalescing, writing, and
 * after the write acknowledging, the sink's after-commit step, commit listeners and meters.
 *
 * <p>When the sink writes asynchronously ({@link ChangeSink#writeAsync}), up to
 * {@link EngineOptions#maxInFlightBatches()} batches are in flight while the engine reads the next
 * ones; they are finished strictly in the order they were handed over. When one fails, every batch
 * in flight is waited for, those written are finished, and the failed ones are written again one by
 * one through {@link BatchWriter} (retries, bisection, dead letters), in order. Runs on the
 * engine's worker thread only.
 */
final class BatchPipeline {
    /** A batch read, decoded and handed to the sink. */
    private static final class Batch {
        final Map<Integer, List<String>> ids = new LinkedHashMap<>();
        final Map<Integer, SinkBatch.Position> positions = new LinkedHashMap<>();
        List<ShardEvent> events;
        final long started = System.nanoTime();
        Observation observation;
        CompletableFuture<Void> written;
    }

    private final EngineContext cx;
    private final Map<Integer, ShardLeasing.ShardState> owned;
    private final BatchWriter writer;
    private final ShardReader reader;
    private final EngineMeters meters;
    private final List<Consumer<List<ShardEvent>>> commitListeners;
    private final Deque<Batch> inFlight = new ArrayDeque<>();

    BatchPipeline(EngineContext cx, Map<Integer, ShardLeasing.ShardState> owned, BatchWriter writer, ShardReader reader, EngineMeters meters,
            List<Consumer<List<ShardEvent>>> commitListeners) {
        this.cx = cx;
        this.owned = owned;
        this.writer = writer;
        this.reader = reader;
        this.meters = meters;
        this.commitListeners = commitListeners;
    }

    /** Batches handed to the sink and not yet finished. */
    int inFlight() {
        return inFlight.size();
    }

    /**
     * Gives up every batch in flight without acknowledging it, after its write ended either way (the
     * entries stay pending and their shards read them again first; writing them twice is harmless).
     * For failures outside the sink, such as Redis refusing an acknowledgement.
     */
    void abandon() {
        while (!inFlight.isEmpty()) {
            Batch b = inFlight.pollFirst();
            stop(b, outcome(b.written));
        }
    }

    /** Decodes {@code entries} into a batch and writes it, or hands it over and returns while it is written. */
    void process(List<ShardReader.Entry> entries) {
        Batch batch = prepare(entries);
        try {
            handOver(batch);
        } catch (RuntimeException | Error e) {
            if (batch.observation != null && !inFlight.contains(batch)) {
                batch.observation.error(e);
                batch.observation.stop();
            }
            throw e;
        }
    }

    private void handOver(Batch batch) {
        ChangeSink sink = cx.sink();
        CompletableFuture<Void> previous = inFlight.isEmpty() ? CompletableFuture.completedFuture(null) : inFlight.peekLast().written;
        CompletableFuture<Void> written = cx.options().maxInFlightBatches() > 1 ? sink.writeAsync(new SinkBatch(batch.events, batch.positions),
                previous) : null;
        if (written == null) {
            settle();
            writeAndFinish(batch);
            return;
        }
        batch.written = written;
        inFlight.addLast(batch);
        // finish what is done; keep at most the window in flight
        while (!inFlight.isEmpty() && (inFlight.peekFirst().written.isDone() || inFlight.size() >= cx.options().maxInFlightBatches())) {
            if (!finishHead()) {
                settle();
                return;
            }
        }
    }

    /**
     * Waits for every batch in flight and finishes it; a failed one (and, for an ordered sink,
     * every one after it) is written again synchronously, in order. After this the window is empty.
     */
    void settle() {
        boolean stopped = false;
        while (!inFlight.isEmpty()) {
            Batch head = inFlight.pollFirst();
            Exception failure = outcome(head.written);
            if (failure == null) {
                finish(head, head.events);
            } else if (stopped) {
                // fenced or stopping: the entries stay pending for whoever owns the shards next
                stop(head, failure);
            } else {
                cx.log().info("kv-engine[{}]: a batch in flight failed ({}); writing it again in order", cx.group(), failure.toString());
                stopped = !writeAndFinish(head);
            }
        }
    }

    /** Finishes the oldest batch in flight if it was written; false when it failed (nothing is finished then). */
    private boolean finishHead() {
        Batch head = inFlight.peekFirst();
        if (outcome(head.written) != null) {
            return false;
        }
        inFlight.pollFirst();
        finish(head, head.events);
        return true;
    }

    /** Waits for a write; null when it succeeded, else its failure. */
    private static Exception outcome(CompletableFuture<Void> written) {
        try {
            written.get();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (ExecutionException e) {
            return e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private Batch prepare(List<ShardReader.Entry> entries) {
        Batch batch = new Batch();
        ObservationRegistry registry = cx.kv().options().observationRegistry();
        if (!registry.isNoop()) {
            batch.observation = Observation.createNotStarted("kv.engine.batch", registry).contextualName(cx.group() + " batch")
                    .lowCardinalityKeyValue("kv.group", cx.group()).lowCardinalityKeyValue("kv.sink", cx.sink().name())
                    .highCardinalityKeyValue("kv.entries", Integer.toString(entries.size())).start();
        }
        Map<Integer, String> last = new LinkedHashMap<>();
        List<ShardEvent> every = new ArrayList<>();
        Map<Integer, List<String>> alreadyDone = new HashMap<>();
        Map<Integer, Long> fences = new HashMap<>();
        for (ShardReader.Entry e : entries) {
            // the lease thread may give a shard away meanwhile: its fence is taken once, here
            ShardLeasing.ShardState state = owned.get(e.shard());
            if (state == null) {
                continue;
            }
            fences.put(e.shard(), state.fence);
            batch.ids.computeIfAbsent(e.shard(), k -> new ArrayList<>()).add(e.id());
            last.put(e.shard(), e.id());
            if (state.committed != null && StreamGroups.compareIds(e.id(), state.committed) <= 0) {
                alreadyDone.computeIfAbsent(e.shard(), k -> new ArrayList<>()).add(e.id());
                continue;
            }
            ChangeEvent event;
            try {
                event = ChangeEvent.fromStreamEntry(e.fields());
                cx.sink().check(event);
            } catch (RuntimeException poison) {
                writer.deadLetter(e.shard(), e.id(), e.fields(), poison);
                continue;
            }
            every.add(new ShardEvent(e.shard(), e.id(), event));
        }
        if (!alreadyDone.isEmpty()) {
            cx.log().info("kv-engine[{}]: skipped {} entries already written by the sink", cx.group(),
                    alreadyDone.values().stream().mapToInt(List::size).sum());
        }
        last.forEach((shard, id) -> batch.positions.put(shard, new SinkBatch.Position(id, fences.get(shard))));
        batch.events = cx.sink().coalesce() ? Coalescing.latestPerKey(every) : every;
        return batch;
    }

    /** Writes a batch with retries and bisection, then finishes it; false when it was fenced or abandoned. */
    private boolean writeAndFinish(Batch batch) {
        BatchWriter.Outcome outcome = writer.write(batch.events, batch.positions);
        if (outcome != BatchWriter.Outcome.WRITTEN) {
            stop(batch, null);
            return false;
        }
        List<ShardEvent> events = batch.events;
        List<ShardEvent> poisoned = writer.poisoned();
        if (!poisoned.isEmpty()) {
            // a dead-lettered change did not reach the sink: nothing after the commit may treat it as written
            // (the drainer would schedule the row's eviction from Redis, and the change would be lost)
            events = new ArrayList<>(events);
            events.removeAll(poisoned);
        }
        finish(batch, events);
        return true;
    }

    /** A batch that will not be finished: its entries stay pending, and its shards read them again first. */
    private void stop(Batch batch, Exception failure) {
        batch.ids.keySet().forEach(shard -> {
            ShardLeasing.ShardState state = owned.get(shard);
            if (state != null) {
                state.readPending = true;
            }
        });
        if (batch.observation != null) {
            if (failure != null) {
                batch.observation.error(failure);
            }
            batch.observation.stop();
        }
    }

    private void finish(Batch batch, List<ShardEvent> events) {
        long committedAt = System.currentTimeMillis();
        for (ShardEvent e : events) {
            meters.commitLag.record(Math.max(0, committedAt - e.event().timestampMillis()), TimeUnit.MILLISECONDS);
        }
        reader.ackAll(batch.ids);
        cx.sink().afterCommit(new SinkBatch(events, batch.positions));
        for (Consumer<List<ShardEvent>> listener : commitListeners) {
            listener.accept(events);
        }
        meters.batchSize.record(events.size());
        meters.eventsWritten.increment(events.size());
        meters.batchLatency.record(System.nanoTime() - batch.started, TimeUnit.NANOSECONDS);
        if (batch.observation != null) {
            batch.observation.stop();
        }
    }
}
