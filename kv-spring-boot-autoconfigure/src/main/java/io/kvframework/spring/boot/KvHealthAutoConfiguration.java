package io.kvframework.spring.boot;

import io.kvframework.analytics.ClickHouseSink;
import io.kvframework.redis.KvClient;
import io.kvframework.stream.StreamService;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The health contributor {@code kv} of the actuator: {@code redis}, and {@code drainer},
 * {@code bridge} and {@code clickhouse} for the components that run in this application. For
 * {@value KvHealthIndicators#DEGRADED_CODE} to rank between DOWN and UP in the overall status, set
 * {@code management.endpoint.health.status.order=down,out-of-service,degraded,up,unknown}.
 */
@AutoConfiguration(after = {KvAutoConfiguration.class, KvStreamAutoConfiguration.class})
@ConditionalOnClass(name = {"org.springframework.boot.actuate.health.HealthIndicator", "io.kvframework.stream.StreamService"})
@ConditionalOnBean(KvClient.class)
public class KvHealthAutoConfiguration {

    /** One part of the {@code kv} health contributor. */
    public record Part(String name, HealthIndicator indicator) {
    }

    @Bean
    @ConditionalOnMissingBean(name = "kvHealthContributor")
    public HealthContributor kvHealthContributor(KvClient kv, ObjectProvider<StreamService> services, ObjectProvider<Part> parts) {
        Map<String, HealthContributor> contributors = new LinkedHashMap<>();
        contributors.put("redis", KvHealthIndicators.redis(kv));
        services.orderedStream().forEach(s -> contributors.put(partName(s), KvHealthIndicators.of(s)));
        parts.orderedStream().forEach(p -> contributors.put(p.name(), p.indicator()));
        return CompositeHealthContributor.fromMap(contributors);
    }

    /** {@code drainer} or {@code bridge} (by class name: either module may be missing from the class path). */
    private static String partName(StreamService s) {
        return switch (s.getClass().getName()) {
            case "io.kvframework.drainer.Drainer" -> "drainer";
            case "io.kvframework.analytics.KafkaBridge" -> "bridge";
            default -> s.getClass().getSimpleName();
        };
    }

    /** The ClickHouse loader's part, only where kv-analytics is on the class path and the loader runs. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.kvframework.analytics.ClickHouseSink")
    @ConditionalOnBean(type = "io.kvframework.analytics.ClickHouseSink")
    static class ClickHouseHealth {
        @Bean
        Part kvClickHouseHealth(ClickHouseSink loader) {
            return new Part("clickhouse", () -> (loader.failing() ? Health.down() : Health.up())
                    .withDetail("rowsInserted", loader.rowsInserted()).build());
        }
    }
}
