package io.kvframework.redis.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.DuplicateKeyException;
import io.kvframework.core.KvUnavailableException;
import io.kvframework.core.TransientKvException;
import io.kvframework.core.WriteNotAppliedException;
import io.kvframework.core.WriteOutcomeUnknownException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How a Redis reply's failure becomes an exception that says what the caller can know. */
class FuturesTest {
    private static final Duration TIMEOUT = Duration.ofMillis(50);

    private static <T> CompletableFuture<T> failed(Throwable cause) {
        return CompletableFuture.failedFuture(cause);
    }

    @Test
    void aWriteTheServerRefusedWasNotApplied() {
        assertThatThrownBy(() -> Futures.awaitWrite(failed(new RedisCommandExecutionException("OOM command not allowed")), TIMEOUT, "creating x"))
                .isInstanceOf(WriteNotAppliedException.class)
                .hasMessage("Redis failed while creating x: OOM command not allowed; the write was not applied");
    }

    @Test
    void aWriteNeverSentBecauseTheConnectionWasDownWasNotApplied() {
        RedisException rejected = new RedisException("Currently not connected. Commands are rejected.");
        assertThatThrownBy(() -> Futures.awaitWrite(failed(rejected), TIMEOUT, "creating x")).isInstanceOf(WriteNotAppliedException.class);
    }

    @Test
    void aWriteLostWithItsConnectionOrItsReplyMayHaveBeenApplied() {
        assertThatThrownBy(() -> Futures.awaitWrite(failed(new RedisConnectionException("Connection closed")), TIMEOUT, "updating x"))
                .isInstanceOf(WriteOutcomeUnknownException.class).hasMessageContaining("may or may not have been applied");
        assertThatThrownBy(() -> Futures.awaitWrite(failed(new RedisCommandTimeoutException("timed out")), TIMEOUT, "updating x"))
                .isInstanceOf(WriteOutcomeUnknownException.class);
        // a subclass of RedisException with the same words is not the rejected-command case: unknown, the safe side
        assertThatThrownBy(() -> Futures.awaitWrite(failed(new RedisConnectionException("Commands are rejected")), TIMEOUT, "updating x"))
                .isInstanceOf(WriteOutcomeUnknownException.class);
        assertThatThrownBy(() -> Futures.awaitWrite(new CompletableFuture<>(), TIMEOUT, "deleting x"))
                .isInstanceOf(WriteOutcomeUnknownException.class).hasMessageStartingWith("Redis did not answer within 50 ms while deleting x");
    }

    @Test
    void aFailedReadIsUnavailableAndTransient() {
        assertThatThrownBy(() -> Futures.await(failed(new RedisConnectionException("refused")), TIMEOUT, "reading x"))
                .isInstanceOf(KvUnavailableException.class).isInstanceOf(TransientKvException.class)
                .hasMessage("Redis failed while reading x: refused");
        assertThatThrownBy(() -> Futures.await(new CompletableFuture<>(), TIMEOUT, "reading x"))
                .isInstanceOf(KvUnavailableException.class).hasMessage("Redis did not answer within 50 ms while reading x");
    }

    @Test
    void aKvExceptionFromTheStageIsPassedOnAsItIs() {
        DuplicateKeyException duplicate = new DuplicateKeyException("orders: primary key [o1] already exists");
        assertThatThrownBy(() -> Futures.awaitWrite(failed(duplicate), TIMEOUT, "creating o1")).isSameAs(duplicate);
    }

    @Test
    void aReplyIsReturned() {
        assertThat(Futures.await(CompletableFuture.completedFuture("OK"), TIMEOUT, "x")).isEqualTo("OK");
    }

    @Test
    void anInterruptedWaitKeepsTheInterruptFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Futures.await(new CompletableFuture<>(), TIMEOUT, "reading x"))
                    .isInstanceOf(KvUnavailableException.class).hasMessage("interrupted while reading x");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
