package io.kvframework.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs a baseline load on several connections at once, each over its own consecutive part of the rows, and times it. */
final class ParallelLoad {
    /** Loads one part of the rows on one connection. */
    interface Part<T> {
        void load(List<T> rows) throws Exception;
    }

    private ParallelLoad() {
    }

    /** Rows per second of loading {@code rows} in {@code connections} parts at once. */
    static <T> double rowsPerSecond(List<T> rows, int connections, Part<T> part) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            long start = System.nanoTime();
            List<Future<?>> parts = new ArrayList<>();
            int per = (rows.size() + connections - 1) / connections;
            for (int p = 0; p < connections; p++) {
                List<T> mine = rows.subList(Math.min(rows.size(), p * per), Math.min(rows.size(), (p + 1) * per));
                parts.add(pool.submit(() -> {
                    part.load(mine);
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
            return rows.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
