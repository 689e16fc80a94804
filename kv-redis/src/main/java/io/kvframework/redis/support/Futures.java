package io.kvframework.redis.support;

import io.kvframework.core.KvUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for Redis replies, turning failures into {@link KvUnavailableException}s that say what was
 * being done; for writes, {@link io.kvframework.core.WriteNotAppliedException} or
 * {@link io.kvframework.core.WriteOutcomeUnknownException}.
 */
public final class Futures {
    private Futures() {
    }

    public static <T> T await(CompletionStage<T> stage, Duration timeout, String what) {
        return await(stage, timeout, what, false);
    }

    /**
     * Waits for the reply to a write. When the connection broke or the reply did not come, the
     * exception says the write may or may not have been applied: it was sent once and is never
     * re-sent (see {@code KvClient.clientOptions()}), so it happened whole or not at all.
     */
    public static <T> T awaitWrite(CompletionStage<T> stage, Duration timeout, String what) {
        return await(stage, timeout, what, true);
    }

    /**
     * The exception a failed asynchronous reply completes with, classified as {@link #await} and
     * {@link #awaitWrite} classify it: a {@code KvException} as it is; for a write
     * {@code WriteNotAppliedException} or {@code WriteOutcomeUnknownException}; for a read
     * {@code KvUnavailableException}.
     */
    public static RuntimeException failure(Throwable thrown, String what, boolean write) {
        Throwable cause = thrown;
        while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof io.kvframework.core.KvException k) {
            return k;
        }
        if (cause instanceof io.lettuce.core.RedisCommandTimeoutException || cause instanceof TimeoutException) {
            String message = "Redis did not answer in time while " + what;
            return write ? new io.kvframework.core.WriteOutcomeUnknownException(message
                    + "; the write may or may not have been applied (each write is atomic: all or nothing)", cause)
                    : new KvUnavailableException(message, cause);
        }
        String message = "Redis failed while " + what + ": " + cause.getMessage() + (write ? outcome(cause) : "");
        if (write) {
            return outcomeKnown(cause) ? new io.kvframework.core.WriteNotAppliedException(message, cause)
                    : new io.kvframework.core.WriteOutcomeUnknownException(message, cause);
        }
        return new KvUnavailableException(message, cause);
    }

    /** What a failed write's caller can know about its effect. */
    private static String outcome(Throwable cause) {
        return outcomeKnown(cause) ? "; the write was not applied"
                : "; the write may or may not have been applied (each write is atomic: all or nothing)";
    }

    /**
     * Whether a failed write was certainly not applied: refused by the server (an error reply, a
     * {@code RedisCommandExecutionException}), or never sent because the connection was down.
     * Lettuce signals the latter (its {@code REJECT_COMMANDS} disconnected behaviour) with a plain
     * {@code RedisException} and no type of its own, so that one case is recognised by its text,
     * here and nowhere else; anything unrecognised counts as unknown, the safe side.
     */
    private static boolean outcomeKnown(Throwable cause) {
        return cause instanceof io.lettuce.core.RedisCommandExecutionException
                || cause.getClass() == io.lettuce.core.RedisException.class
                        && String.valueOf(cause.getMessage()).contains("Commands are rejected");
    }

    private static <T> T await(CompletionStage<T> stage, Duration timeout, String what, boolean write) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(e, what, write);
        } catch (TimeoutException e) {
            String message = "Redis did not answer within " + timeout.toMillis() + " ms while " + what;
            if (write) {
                throw new io.kvframework.core.WriteOutcomeUnknownException(message
                        + "; the write may or may not have been applied (each write is atomic: all or nothing)", e);
            }
            throw new KvUnavailableException(message, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvUnavailableException("interrupted while " + what, e);
        }
    }
}
