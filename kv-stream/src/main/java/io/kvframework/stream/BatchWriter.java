package io.kvframework.stream;

import io.kvframework.core.KvException;
import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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
    private Exception lastPermanent;
    private volatile boolean sinkFailing;

    BatchWriter(EngineContext cx, EngineMeters meters, DeadLetters deadLetters, Map<Integer, ?> owned, BooleanSupplier running,
            BiConsumer<Integer, List<String>> ack) {
        this.cx = cx;
        this.meters = meters;
        this.deadLetters = deadLetters;
        this.owned = owned;
        this.running = running;
        this.ack = ack;
    }

    /** Whether the sink's last write failed (and is being retried). */
    boolean sinkFailing() {
        return sinkFailing;
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
        for (int attempt = 0; ; attempt++) {
            try {
                sink.write(batch);
                if (sinkFailing) {
                    sinkFailing = false;
                    cx.log().info("kv-engine[{}]: sink {} is writing again", cx.group(), sink.name());
                }
                return Outcome.WRITTEN;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable thrown) {
                // an Error from a sink or its driver (an assertion, a linkage problem) is a failed write, not the end of the engine
                Exception e = thrown instanceof Exception x ? x : new KvException("sink " + sink.name() + " threw " + thrown, thrown);
                ChangeSink.Failure kind = sink.classify(e);
                if (kind == ChangeSink.Failure.FENCED) {
                    cx.log().warn("kv-engine[{}]: fenced out of shards {}: {}", cx.group(), batch.positions().keySet(), e.getMessage());
                    batch.positions().keySet().forEach(owned::remove);
                    return Outcome.FENCED;
                }
                if (kind == ChangeSink.Failure.PERMANENT && permanentIsPoison) {
                    lastPermanent = e;
                    return null;
                }
                meters.retries.increment();
                if (!sinkFailing || attempt % 20 == 0) {
                    cx.log().warn("kv-engine[{}]: sink {} failed ({}), retry {} in backoff", cx.group(), sink.name(), e.toString(), attempt + 1);
                }
                sinkFailing = true;
                if (!running.getAsBoolean()) {
                    cx.log().warn("kv-engine[{}]: stopping while the sink fails; {} events stay pending for the next owner", cx.group(),
                            batch.events().size());
                    return Outcome.ABANDONED;
                }
                EngineContext.sleep(StreamEngine.backoffMillis(attempt, cx.options().retryInitial(), cx.options().retryMax(),
                        ThreadLocalRandom.current().nextDouble()));
            }
        }
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
