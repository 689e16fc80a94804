package io.kvframework.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Options have sensible defaults, and a bad one is refused when built, naming the option and the value. */
class KvOptionsTest {

    @Test
    void defaults() {
        KvOptions o = KvOptions.builder().build();
        assertThat(o.namespace()).isEqualTo(KvOptions.DEFAULT_NAMESPACE);
        assertThat(o.shards()).isEqualTo(KvOptions.DEFAULT_SHARDS);
        assertThat(o.defaultTtl()).isPositive();
        assertThat(o.commandTimeout()).isPositive();
        assertThat(o.conflictRetries()).isGreaterThanOrEqualTo(0);
        assertThat(o.mutate().shards(8).build().shards()).isEqualTo(8);
    }

    @Test
    void badOptionsAreRefusedByName() {
        assertThatThrownBy(() -> KvOptions.builder().namespace("has space").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KvOptions.namespace").hasMessageContaining("'has space'");
        assertThatThrownBy(() -> KvOptions.builder().namespace("{brace}").build()).hasMessageContaining("KvOptions.namespace");
        assertThatThrownBy(() -> KvOptions.builder().shards(0).build()).hasMessageContaining("KvOptions.shards must be 1..16384, got 0");
        assertThatThrownBy(() -> KvOptions.builder().maxValueLength(0).build()).hasMessageContaining("KvOptions.maxValueLength");
        assertThatThrownBy(() -> KvOptions.builder().keyFilterBits(1000).build()).hasMessageContaining("power of two");
        assertThatThrownBy(() -> KvOptions.builder().conflictRetries(-1).build()).hasMessageContaining("KvOptions.conflictRetries");
        assertThatThrownBy(() -> KvOptions.builder().blockingThreads(0).build())
                .hasMessageContaining("KvOptions.blockingThreads must be >= 1, got 0");
        assertThatThrownBy(() -> KvOptions.builder().observationRegistry(null).build()).hasMessageContaining("KvOptions.observationRegistry");
        assertThatThrownBy(() -> KvOptions.builder().defaultTtl(Duration.ZERO).build()).hasMessageContaining("positive duration");
        assertThatThrownBy(() -> KvOptions.builder().commandTimeout(Duration.ofMillis(-1)).build()).hasMessageContaining("positive");
    }
}
