package io.kvframework.redis.internal;

import io.kvframework.core.KvUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for Redis replies, turning failures into {@link KvUnavailableException}s that say what was being done. */
public final class Futures {
    private Futures() {
    }

    public static <T> T await(CompletionStage<T> stage, Duration timeout, String what) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException r && r instanceof io.kvframework.core.KvException) {
                throw r;
            }
            throw new KvUnavailableException("Redis failed while " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new KvUnavailableException("Redis did not answer within " + timeout.toMillis() + " ms while " + what
                    + "; a write may or may not have been applied (each write is atomic: all or nothing)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvUnavailableException("interrupted while " + what, e);
        }
    }
}
