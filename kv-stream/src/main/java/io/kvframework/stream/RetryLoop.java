package io.kvframework.stream;

import io.kvframework.core.KvException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The one retry loop of every sink (the engine's, the ClickHouse loader's): an attempt is repeated
 * with {@link StreamEngine#backoffMillis exponential backoff and jitter} until it succeeds, until
 * the caller's classification says to stop, or until the component stops. The first failure of a
 * run and every twentieth are logged; the recovery is logged once.
 */
public final class RetryLoop {
    /** What to do after a failed attempt. */
    public enum Verdict {
        /** Wait, then try again. */
        RETRY,
        /** Give up now and hand the failure to the caller. */
        STOP
    }

    /** One attempt; any exception is a failure. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    private final Logger log;
    private final String what;
    private final Duration initial;
    private final Duration max;
    private final Runnable onRetry;
    private volatile boolean failing;

    /**
     * @param log the component's log
     * @param what what is attempted, for the log (for example {@code "kv-engine[drainer]: sink database"})
     * @param initial the first pause
     * @param max the longest pause
     * @param onRetry called before each pause (a retry counter)
     */
    public RetryLoop(Logger log, String what, Duration initial, Duration max, Runnable onRetry) {
        this.log = log;
        this.what = what;
        this.initial = initial;
        this.max = max;
        this.onRetry = onRetry;
    }

    /** Whether the last attempt failed (and the work is being retried). */
    public boolean failing() {
        return failing;
    }

    /**
     * Runs {@code attempt} until it succeeds (returns null), {@code classify} answers
     * {@link Verdict#STOP} (returns that failure) or {@code running} turns false while it fails
     * (returns the last failure). An {@link Error} other than a {@link VirtualMachineError} counts
     * as a failure, wrapped in a {@link KvException}.
     */
    public Exception run(Attempt attempt, Function<Exception, Verdict> classify, BooleanSupplier running) {
        for (int n = 0; ; n++) {
            try {
                attempt.run();
                if (failing) {
                    failing = false;
                    log.info("{} works again", what);
                }
                return null;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable thrown) {
                // an Error from a sink or its driver (an assertion, a linkage problem) is a failed attempt, not the end of the component
                Exception e = thrown instanceof Exception x ? x : new KvException(what + " threw " + thrown, thrown);
                if (classify.apply(e) == Verdict.STOP) {
                    return e;
                }
                onRetry.run();
                if (!failing || n % 20 == 0) {
                    log.warn("{} failed ({}), retry {} in backoff", what, e.toString(), n + 1);
                }
                failing = true;
                if (!running.getAsBoolean()) {
                    return e;
                }
                EngineContext.sleep(StreamEngine.backoffMillis(n, initial, max, ThreadLocalRandom.current().nextDouble()));
            }
        }
    }
}
