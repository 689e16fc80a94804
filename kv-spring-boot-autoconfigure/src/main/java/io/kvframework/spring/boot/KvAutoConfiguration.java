package io.kvframework.spring.boot;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * KV Framework in a Spring Boot application: a {@link KvClient} connected as
 * {@code spring.data.redis.*} says, reading the application's {@code DataSource}, with its meters
 * in the application's {@code MeterRegistry} and its calls observed by the application's
 * {@code ObservationRegistry}; and a bean per generated repository ({@link KvEntities}). The
 * drainer, the Kafka bridge and the ClickHouse loader are in {@link KvStreamAutoConfiguration}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"})
@ConditionalOnClass(KvClient.class)
@EnableConfigurationProperties({KvProperties.class, RedisProperties.class})
public class KvAutoConfiguration {

    /** The client every repository, the drainer and the bridge share; closed when the context closes. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public KvClient kvClient(KvProperties kv, RedisProperties redis, ObjectProvider<DataSource> dataSource,
            ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<ObservationRegistry> observationRegistry) {
        KvOptions.Builder options = kv.options();
        MeterRegistry meters = meterRegistry.getIfUnique();
        if (meters != null) {
            options.meterRegistry(meters);
        }
        ObservationRegistry observations = observationRegistry.getIfUnique();
        if (kv.isObservations() && observations != null) {
            options.observationRegistry(observations);
        }
        KvClient.Builder builder = RedisConnection.configure(KvClient.builder(), redis).options(options.build());
        DataSource ds = dataSource.getIfUnique();
        if (ds != null) {
            builder.dataSource(ds).dialect(kv.getDialect());
        }
        return builder.build();
    }

    /** One bean per generated repository, and the {@link KvEntities} bean. */
    @Bean
    public static KvEntities.RepositoryRegistrar kvRepositoryRegistrar() {
        return new KvEntities.RepositoryRegistrar();
    }
}
