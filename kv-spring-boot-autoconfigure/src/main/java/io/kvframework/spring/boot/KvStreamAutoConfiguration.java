package io.kvframework.spring.boot;

import com.clickhouse.client.api.Client;
import io.kvframework.analytics.ClickHouseSink;
import io.kvframework.analytics.KafkaBridge;
import io.kvframework.analytics.KafkaSink;
import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.stream.EngineOptions;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The components that move changes out of Redis, each a bean with a {@link ComponentLifecycle}:
 * the drainer (on when the application has a DataSource and kv-drainer is on the class path;
 * {@code kv.drainer.enabled=false} turns it off), the Kafka bridge ({@code kv.bridge.enabled=true})
 * and the ClickHouse loader ({@code kv.clickhouse.enabled=true}), both from kv-analytics.
 */
@AutoConfiguration(after = KvAutoConfiguration.class)
@ConditionalOnClass(name = "io.kvframework.stream.StreamEngine")
public class KvStreamAutoConfiguration {

    /** Engine options of a group from the {@code kv.drainer.*} or {@code kv.bridge.*} settings. */
    static EngineOptions.Builder engineOptions(String group, KvEngineProperties e) {
        EngineOptions.Builder b = EngineOptions.builder(group);
        if (e.getInstanceId() != null) {
            b.instanceId(e.getInstanceId());
        }
        if (e.getBatchSize() != null) {
            b.batchSize(e.getBatchSize());
        }
        if (e.getMaxInFlightBatches() != null) {
            b.maxInFlightBatches(e.getMaxInFlightBatches());
        }
        if (e.getPollInterval() != null) {
            b.pollInterval(e.getPollInterval());
        }
        if (e.getLeaseTtl() != null) {
            b.leaseTtl(e.getLeaseTtl());
        }
        if (e.getLeaseRenewInterval() != null) {
            b.leaseRenewInterval(e.getLeaseRenewInterval());
        }
        if (e.getRetryInitial() != null) {
            b.retryInitial(e.getRetryInitial());
        }
        if (e.getRetryMax() != null) {
            b.retryMax(e.getRetryMax());
        }
        if (e.getMaintenanceInterval() != null) {
            b.maintenanceInterval(e.getMaintenanceInterval());
        }
        if (e.getStallTimeout() != null) {
            b.stallTimeout(e.getStallTimeout());
        }
        if (e.getLagThreshold() != null) {
            b.lagThreshold(e.getLagThreshold());
        }
        return b;
    }

    /** The embedded drainer. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Drainer.class)
    @ConditionalOnBean(DataSource.class)
    @ConditionalOnProperty(prefix = "kv.drainer", name = "enabled", matchIfMissing = true)
    static class DrainerConfiguration {

        /** The drainer of every entity in use, on the application's DataSource; started and stopped by {@code kvDrainerLifecycle}. */
        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean
        Drainer kvDrainer(KvClient kv, KvEntities entities, KvProperties properties) {
            KvProperties.Drainer d = properties.getDrainer();
            Drainer.Builder b = Drainer.builder(kv).models(entities.models()).createTables(d.isCreateTables())
                    .writeConnections(d.getWriteConnections())
                    .engineOptions(engineOptions(Drainer.GROUP, d).retainForGroups(d.getRetainForGroups()).build());
            if (d.getTombstoneRetention() != null) {
                b.tombstoneRetention(d.getTombstoneRetention());
            }
            return b.build();
        }

        @Bean
        ComponentLifecycle kvDrainerLifecycle(Drainer drainer) {
            return new ComponentLifecycle("drainer", drainer::start, drainer);
        }
    }

    /** The Kafka bridge. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.kvframework.analytics.KafkaBridge")
    @ConditionalOnProperty(prefix = "kv.bridge", name = "enabled", havingValue = "true")
    static class BridgeConfiguration {

        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean
        KafkaBridge kvKafkaBridge(KvClient kv, KvProperties properties) {
            KvProperties.Bridge b = properties.getBridge();
            if (b.getBootstrapServers() == null) {
                throw new IllegalStateException("kv.bridge.enabled=true needs kv.bridge.bootstrap-servers");
            }
            return KafkaBridge.create(kv, new KafkaSink(b.getBootstrapServers(), b.getTopicPattern(), b.getPartitions(), b.getReplication()),
                    engineOptions(KafkaBridge.GROUP, b).build());
        }

        @Bean
        ComponentLifecycle kvKafkaBridgeLifecycle(KafkaBridge bridge) {
            return new ComponentLifecycle("kafka bridge", bridge::start, bridge);
        }
    }

    /** The ClickHouse loader. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.kvframework.analytics.ClickHouseSink")
    @ConditionalOnProperty(prefix = "kv.clickhouse", name = "enabled", havingValue = "true")
    static class ClickHouseConfiguration {

        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean
        ClickHouseSink kvClickHouseLoader(KvProperties properties, KvEntities entities, ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters)
                throws Exception {
            KvClickHouseProperties c = properties.getClickhouse();
            String bootstrap = c.getBootstrapServers() != null ? c.getBootstrapServers() : properties.getBridge().getBootstrapServers();
            if (c.getUrl() == null || bootstrap == null) {
                throw new IllegalStateException("kv.clickhouse.enabled=true needs kv.clickhouse.url and kv.clickhouse.bootstrap-servers"
                        + " (or kv.bridge.bootstrap-servers)");
            }
            Client client = new Client.Builder().addEndpoint(c.getUrl()).setUsername(c.getUser()).setPassword(c.getPassword())
                    .compressServerResponse(false).build();
            List<io.kvframework.core.EntityModel<?>> models = entities.models();
            ClickHouseSink sink = new ClickHouseSink(bootstrap, properties.getBridge().getTopicPattern(), client, c.getDatabase(), models,
                    c.getBatchSize(), c.getLinger(), meters.getIfUnique(() -> io.micrometer.core.instrument.Metrics.globalRegistry));
            sink.createTables();
            return sink;
        }

        @Bean
        ComponentLifecycle kvClickHouseLoaderLifecycle(ClickHouseSink loader) {
            return new ComponentLifecycle("clickhouse loader", loader::start, loader);
        }
    }
}
