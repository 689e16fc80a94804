package io.kvframework.stream;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Finds the items of a batch that a sink can never write: the batch is halved until each failing
 * part is a single item, which is reported as poison; every other item is written, in order. With
 * k poison items among n, about 2k·log2(n) attempts. Used by the stream engine and the ClickHouse
 * loader.
 */
public final class Bisection {
    private Bisection() {
    }

    /** What one attempt at writing a part did. */
    public enum Attempt {
        /** The part was written. */
        WRITTEN,
        /** The part holds at least one item the sink can never write. */
        PERMANENT,
        /** Stop bisecting (the shard was fenced, the engine stops). */
        STOP
    }

    /**
     * @param write writes a part (retrying transient failures itself)
     * @param poison receives each item that fails on its own
     * @return false when an attempt said {@link Attempt#STOP}
     */
    public static <T> boolean bisect(List<T> items, Function<List<T>, Attempt> write, Consumer<T> poison) {
        if (items.isEmpty()) {
            return true;
        }
        Attempt a = write.apply(items);
        if (a == Attempt.WRITTEN) {
            return true;
        }
        if (a == Attempt.STOP) {
            return false;
        }
        if (items.size() == 1) {
            poison.accept(items.get(0));
            return true;
        }
        int half = items.size() / 2;
        return bisect(items.subList(0, half), write, poison) && bisect(items.subList(half, items.size()), write, poison);
    }
}
