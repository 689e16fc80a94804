package io.kvframework.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.KvException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The one retry loop of the engine and the ClickHouse loader. */
class RetryLoopTest {
    private final AtomicInteger retries = new AtomicInteger();
    private final RetryLoop loop = new RetryLoop(LoggerFactory.getLogger("kv-test"), "test work", Duration.ofMillis(1),
            Duration.ofMillis(4), retries::incrementAndGet);

    @Test
    void retriesTransientFailuresUntilTheAttemptSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        List<Boolean> failingSeen = new ArrayList<>();
        Exception result = loop.run(() -> {
            failingSeen.add(loop.failing());
            if (calls.incrementAndGet() < 4) {
                throw new IOException("down");
            }
        }, e -> RetryLoop.Verdict.RETRY, () -> true);
        assertThat(result).isNull();
        assertThat(calls).hasValue(4);
        assertThat(retries).hasValue(3);
        // failing from the first failure until the success
        assertThat(failingSeen).containsExactly(false, true, true, true);
        assertThat(loop.failing()).isFalse();
    }

    @Test
    void aFailureClassifiedAsStopIsHandedBackAtOnceWithoutARetry() {
        IllegalStateException poison = new IllegalStateException("poison");
        AtomicInteger calls = new AtomicInteger();
        Exception result = loop.run(() -> {
            calls.incrementAndGet();
            throw poison;
        }, e -> e instanceof IllegalStateException ? RetryLoop.Verdict.STOP : RetryLoop.Verdict.RETRY, () -> true);
        assertThat(result).isSameAs(poison);
        assertThat(calls).hasValue(1);
        assertThat(retries).hasValue(0);
    }

    @Test
    void stoppingWhileTheWorkFailsReturnsTheLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        Exception result = loop.run(() -> {
            throw new IOException("failure " + calls.incrementAndGet());
        }, e -> RetryLoop.Verdict.RETRY, () -> calls.get() < 3);
        assertThat(result).hasMessage("failure 3");
        assertThat(loop.failing()).isTrue();
    }

    @Test
    void anErrorFromTheWorkIsAFailureButTheJvmRunningOutIsNot() {
        AtomicInteger calls = new AtomicInteger();
        Exception result = loop.run(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new AssertionError("a driver's assertion");
            }
        }, e -> RetryLoop.Verdict.RETRY, () -> true);
        assertThat(result).isNull();
        assertThat(calls).hasValue(2);

        Exception[] classified = new Exception[1];
        loop.run(() -> {
            throw new LinkageError("missing class");
        }, e -> {
            classified[0] = e;
            return RetryLoop.Verdict.STOP;
        }, () -> true);
        assertThat(classified[0]).isInstanceOf(KvException.class).hasMessageContaining("test work threw java.lang.LinkageError");

        assertThatThrownBy(() -> loop.run(() -> {
            throw new OutOfMemoryError("heap");
        }, e -> RetryLoop.Verdict.RETRY, () -> true)).isInstanceOf(OutOfMemoryError.class);
    }
}
