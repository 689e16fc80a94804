package io.kvframework.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's options: defaults, and refusals that name the option. */
class EngineOptionsTest {

    @Test
    void defaults() {
        EngineOptions o = EngineOptions.builder("drainer").build();
        assertThat(o.group()).isEqualTo("drainer");
        assertThat(o.instanceId()).matches("[0-9a-f]{8}");
        assertThat(o.batchSize()).isEqualTo(EngineOptions.DEFAULT_BATCH_SIZE);
        assertThat(o.stallTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.meterRegistry()).as("null: the KvClient's registry").isNull();
        assertThat(o.threadFactory()).isNull();
        assertThat(o.retainForGroups()).isEmpty();
    }

    @Test
    void badOptionsAreRefusedByName() {
        assertThatThrownBy(() -> EngineOptions.builder("no spaces").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EngineOptions.group");
        assertThatThrownBy(() -> EngineOptions.builder("drainer").batchSize(0).build()).hasMessageContaining("EngineOptions.batchSize");
        assertThatThrownBy(() -> EngineOptions.builder("drainer").leaseTtl(Duration.ofSeconds(2)).leaseRenewInterval(Duration.ofSeconds(2))
                .build()).hasMessageContaining("at most half of leaseTtl");
        assertThatThrownBy(() -> EngineOptions.builder("drainer").retryInitial(Duration.ofSeconds(2)).retryMax(Duration.ofSeconds(1))
                .build()).hasMessageContaining("retryMax");
        assertThatThrownBy(() -> EngineOptions.builder("drainer").retainForGroups(List.of("a b")).build())
                .hasMessageContaining("retainForGroups");
        assertThatThrownBy(() -> EngineOptions.builder("drainer").stallTimeout(Duration.ZERO).build()).hasMessageContaining("stallTimeout");
    }
}
