package io.kvframework.sql;

import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Writes one batch over several connections at once: the batch's shards are divided into
 * {@code connections} shares of about equal events (a key lives in one shard, so no key is in two
 * shares), and each share — its events and its shards' positions — is written by one call of the
 * part writer, the first on the calling thread. When any share fails the batch fails with the first
 * error; the shares that committed are written again by the retry, which their version guards make
 * harmless. Batches handed over asynchronously are written one after another on one writer thread.
 */
final class ParallelWrites implements AutoCloseable {
    private final int connections;
    private final String name;
    private ExecutorService pool;
    private ExecutorService writer;

    ParallelWrites(int connections, String name) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, got " + connections);
        }
        this.connections = connections;
        this.name = name;
    }

    /** Writes {@code batch} with {@code part}, in shares when there are several shards and connections. */
    void run(SinkBatch batch, Consumer<SinkBatch> part) {
        List<SinkBatch> shares = split(batch, connections);
        if (shares.size() == 1) {
            part.accept(shares.get(0));
            return;
        }
        List<Future<?>> others = new ArrayList<>();
        for (SinkBatch share : shares.subList(1, shares.size())) {
            others.add(pool().submit(() -> part.accept(share)));
        }
        RuntimeException first = null;
        try {
            part.accept(shares.get(0));
        } catch (RuntimeException e) {
            first = e;
        }
        boolean interrupted = false;
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first != null) {
            throw first;
        }
    }

    /** The batch divided by shard into at most {@code n} shares, largest shards first onto the lightest share. */
    static List<SinkBatch> split(SinkBatch batch, int n) {
        Map<Integer, List<ShardEvent>> byShard = new LinkedHashMap<>();
        for (Integer shard : new TreeSet<>(batch.positions().keySet())) {
            byShard.put(shard, new ArrayList<>());
        }
        for (ShardEvent e : batch.events()) {
            byShard.computeIfAbsent(e.shard(), k -> new ArrayList<>()).add(e);
        }
        if (n == 1 || byShard.size() < 2) {
            return List.of(batch);
        }
        int count = Math.min(n, byShard.size());
        List<List<ShardEvent>> events = new ArrayList<>();
        List<Map<Integer, SinkBatch.Position>> positions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new ArrayList<>());
            positions.add(new LinkedHashMap<>());
        }
        List<Map.Entry<Integer, List<ShardEvent>>> shards = new ArrayList<>(byShard.entrySet());
        shards.sort(Comparator.comparingInt((Map.Entry<Integer, List<ShardEvent>> e) -> e.getValue().size()).reversed());
        for (Map.Entry<Integer, List<ShardEvent>> shard : shards) {
            int lightest = 0;
            for (int i = 1; i < count; i++) {
                if (events.get(i).size() < events.get(lightest).size()) {
                    lightest = i;
                }
            }
            events.get(lightest).addAll(shard.getValue());
            SinkBatch.Position p = batch.positions().get(shard.getKey());
            if (p != null) {
                positions.get(lightest).put(shard.getKey(), p);
            }
        }
        List<SinkBatch> shares = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!events.get(i).isEmpty() || !positions.get(i).isEmpty()) {
                shares.add(new SinkBatch(events.get(i), positions.get(i)));
            }
        }
        return shares;
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(connections - 1, r -> {
                Thread t = new Thread(r, name + "-write-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** The one thread that runs asynchronous batch writes, in the order they are handed over. */
    synchronized ExecutorService writer() {
        if (writer == null) {
            writer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name + "-writer");
                t.setDaemon(true);
                return t;
            });
        }
        return writer;
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdown();
            pool = null;
        }
        if (writer != null) {
            writer.shutdown();
            writer = null;
        }
    }
}
