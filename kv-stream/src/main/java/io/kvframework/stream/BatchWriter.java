package io.kvframework.stream;

import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Hands one batch to the sink: retries transient failures with exponential backoff and jitter (the
 * shard waits, order is kept), bisects a batch that fails permanently to dead-letter only its
 * poison entries, and commits the shards' positions last. Runs on the engine's worker thread.
 */
final class BatchWriter {
    /** How a batch ended. */
    enum Outcome { WRITTEN, FENCED, ABANDONED }

    private final EngineContext cx;
    private final EngineMeters meters;
    private final DeadLetters deadLetters;
    private final Map<Integer, ?> owned;
    private final BooleanSupplier running;
    private final BiConsumer<Integer, List<String>> ack;
    /** Events of the batch in hand that were dead-lettered. */
    private final List<ShardEvent> poisoned = new ArrayList<>();
    private final RetryLoop retry;
    private Exception lastPermanent;

    BatchWriter(EngineContext cx, EngineMeters meters, DeadLetters deadLetters, Map<Integer, ?> owned, BooleanSupplier running,
            BiConsumer<Integer, List<String>> ack) {
        this.cx = cx;
        this.meters = meters;
        this.deadLetters = deadLetters;
        this.owned = owned;
        this.running = running;
        this.ack = ack;
        this.retry = new RetryLoop(cx.log(), "kv-engine[" + cx.group() + "]: sink " + cx.sink().name(), cx.options().retryInitial(),
                cx.options().retryMax(), meters.retries::increment);
    }

    /** Whether the sink's last write failed (and is being retried). */
    boolean sinkFailing() {
        return retry.failing();
    }

    /** The events of the last {@link #write} that were dead-lettered instead of written. */
    List<ShardEvent> poisoned() {
        return poisoned;
    }

    /** Writes a batch, retrying transient failures and bisecting permanent ones; positions are committed last. */
    Outcome write(List<ShardEvent> events, Map<Integer, SinkBatch.Position> positions) {
        poisoned.clear();
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

    /** Writes with retries; returns null on a permanent failure (when {@code permanentIsPoison}). */
    private Outcome attempt(SinkBatch batch, boolean permanentIsPoison) {
        ChangeSink sink = cx.sink();
        ChangeSink.Failure[] kind = new ChangeSink.Failure[1];
        Exception e = retry.run(() -> sink.write(batch), failure -> {
            kind[0] = sink.classify(failure);
            return kind[0] == ChangeSink.Failure.FENCED || kind[0] == ChangeSink.Failure.PERMANENT && permanentIsPoison
                    ? RetryLoop.Verdict.STOP : RetryLoop.Verdict.RETRY;
        }, running);
        if (e == null) {
            return Outcome.WRITTEN;
        }
        if (kind[0] == ChangeSink.Failure.FENCED) {
            cx.log().warn("kv-engine[{}]: fenced out of shards {}: {}", cx.group(), batch.positions().keySet(), e.getMessage());
            batch.positions().keySet().forEach(owned::remove);
            return Outcome.FENCED;
        }
        if (kind[0] == ChangeSink.Failure.PERMANENT && permanentIsPoison) {
            lastPermanent = e;
            return null;
        }
        cx.log().warn("kv-engine[{}]: stopping while the sink fails; {} events stay pending for the next owner", cx.group(),
                batch.events().size());
        return Outcome.ABANDONED;
    }

    /** Moves an entry to the dead letters with its error, and acknowledges it. */
    void deadLetter(int shard, String entryId, Map<String, String> fields, Exception error) {
        deadLetters.add(shard, entryId, fields, error);
        ack.accept(shard, List.of(entryId));
        meters.deadLettered.increment();
        cx.log().warn("kv-engine[{}]: dead-lettered entry {} of shard {}: {}", cx.group(), entryId, shard,
                error == null ? "?" : error.toString());
    }
}
