package io.kvframework.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.analytics.KafkaBridge;
import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.spring.boot.notes.Note;
import io.kvframework.spring.boot.notes.NoteRepository;
import io.kvframework.spring.boot.notes.NoteTable;
import io.kvframework.spring.boot.other.TagRepository;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.stream.HealthState;
import io.kvframework.testkit.KafkaServer;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration in application contexts, against real Redis and PostgreSQL. */
@KvTest
class KvAutoConfigurationIT {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(KvAutoConfiguration.class, KvStreamAutoConfiguration.class, KvHealthAutoConfiguration.class));

    private ApplicationContextRunner on(RedisServer redis, TestNamespace ns, String... more) {
        return runner.withPropertyValues("spring.data.redis.url=" + redis.uri(), "kv.namespace=" + ns.value()).withPropertyValues(more);
    }

    @Test
    void withoutADataSourceTheClientServesFromRedisWithTheBoundOptionsAndNoDrainerRuns(RedisServer redis, TestNamespace ns) {
        on(redis, ns, "kv.shards=4", "kv.default-ttl=PT2M", "kv.create-check=database").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(KvClient.class).doesNotHaveBean(Drainer.class);
            KvClient kv = ctx.getBean(KvClient.class);
            assertThat(kv.keys().namespace()).isEqualTo(ns.value());
            assertThat(kv.options().shards()).isEqualTo(4);
            assertThat(kv.options().defaultTtl()).isEqualTo(Duration.ofMinutes(2));
            assertThat(kv.options().createCheck()).isEqualTo(io.kvframework.redis.KvOptions.CreateCheck.DATABASE);
            assertThat(kv.database()).isNull();
            NoteRepository notes = ctx.getBean(NoteRepository.class);
            assertThat(ctx).hasSingleBean(TagRepository.class);
            notes.createWithKV(new Note("n1", "ada", "hello", 0));
            assertThat(notes.findById("n1")).map(Note::text).contains("hello");
            assertThat(ctx.getBean(KvEntities.class).models()).extracting(m -> m.table()).contains("spring_notes", "spring_tags");
        });
    }

    @Test
    void withADataSourceTheDrainerRunsWithTheContextAndStopsWithIt(RedisServer redis, DataSource db, TestNamespace ns) {
        Drainer[] drainer = new Drainer[1];
        List<String> observed = new CopyOnWriteArrayList<>();
        on(redis, ns, "kv.drainer.create-tables=true", "kv.drainer.poll-interval=PT0.01S").withBean(DataSource.class, () -> db)
                .withBean(ObservationRegistry.class, () -> recording(observed)).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Drainer.class);
            drainer[0] = ctx.getBean(Drainer.class);
            NoteRepository notes = ctx.getBean(NoteRepository.class);
            notes.createWithKV(new Note("d1", "ada", "drained", 0));
            assertThat(drainer[0].awaitDrained(Duration.ofSeconds(30))).isTrue();
            KvClient kv = ctx.getBean(KvClient.class);
            assertThat(SqlDatabase.of(kv.database()).dsl().fetchValue("select text from spring_notes where id = 'd1'")).isEqualTo("drained");
            HealthContributor health = ctx.getBean("kvHealthContributor", HealthContributor.class);
            CompositeHealthContributor composite = (CompositeHealthContributor) health;
            assertThat(((HealthIndicator) composite.getContributor("redis")).health().getStatus()).isEqualTo(Status.UP);
            assertThat(((HealthIndicator) composite.getContributor("drainer")).health().getDetails()).containsKeys("backlog",
                    "oldestPendingAgeMs", "deadLetters");
            // the drained batch was an observation too (a span in traces)
            assertThat(observed).anyMatch(o -> o.startsWith("kv.engine.batch drainer batch"));
        });
        // the context closed: the drainer finished, released its shards and stopped
        assertThat(drainer[0].health()).isEqualTo(HealthState.STOPPED);
    }

    @Test
    void theDrainerIsOffByProperty(RedisServer redis, DataSource db, TestNamespace ns) {
        on(redis, ns, "kv.drainer.enabled=false").withBean(DataSource.class, () -> db).run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean(Drainer.class).hasSingleBean(KvClient.class);
            assertThat(ctx.getBean(KvClient.class).database()).isNotNull();
        });
    }

    @Configuration(proxyBeanMethods = false)
    @KvEntityScan(basePackageClasses = Note.class)
    static class OnlyNotes {
    }

    @Test
    void entityScanSelectsTheRepositoriesAndTheDrainersTables(RedisServer redis, TestNamespace ns) {
        on(redis, ns).withUserConfiguration(OnlyNotes.class).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(NoteRepository.class).doesNotHaveBean(TagRepository.class);
            assertThat(ctx.getBean(KvEntities.class).models()).containsExactly(NoteTable.MODEL);
        });
    }

    @Test
    void metersGoToTheApplicationsRegistryAndCallsAreObserved(RedisServer redis, TestNamespace ns) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<String> observed = new CopyOnWriteArrayList<>();
        ObservationRegistry observations = recording(observed);
        on(redis, ns).withBean(MeterRegistry.class, () -> meters).withBean(ObservationRegistry.class, () -> observations).run(ctx -> {
            NoteRepository notes = ctx.getBean(NoteRepository.class);
            notes.createWithKV(new Note("m1", "ada", "metered", 0));
            notes.findById("m1");
            assertThat(meters.find("kv.writes").tag("table", "spring_notes").tag("op", "create").counter().count()).isEqualTo(1.0);
            ctx.getBean(KvClient.class).asyncRepository(NoteTable.MODEL).countWithKV(NoteTable.AUTHOR.eq("ada")).toCompletableFuture().join();
            assertThat(observed).contains("kv.repository spring_notes createWithKV", "kv.repository spring_notes findOneWithKV",
                    "kv.repository spring_notes countWithKV");
        });
    }

    @Test
    void theKafkaBridgeRunsWhenEnabledAndReportsItsHealth(RedisServer redis, KafkaServer kafka, TestNamespace ns) {
        on(redis, ns, "kv.bridge.enabled=true", "kv.bridge.bootstrap-servers=" + kafka.bootstrapServers(),
                "kv.bridge.topic-pattern=" + ns.value() + ".{table}", "kv.bridge.poll-interval=PT0.01S").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(KafkaBridge.class).doesNotHaveBean(Drainer.class);
            ctx.getBean(NoteRepository.class).createWithKV(new Note("k1", "ada", "to kafka", 0));
            assertThat(ctx.getBean(KafkaBridge.class).awaitDrained(Duration.ofSeconds(60))).isTrue();
            CompositeHealthContributor composite = (CompositeHealthContributor) ctx.getBean("kvHealthContributor", HealthContributor.class);
            assertThat(((HealthIndicator) composite.getContributor("bridge")).health().getDetails()).containsEntry("backlog", 0L);
        });
    }

    @Test
    void anEnabledComponentWithoutItsAddressStopsTheContextSayingWhichPropertyIsMissing(RedisServer redis, TestNamespace ns) {
        on(redis, ns, "kv.bridge.enabled=true").run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                .hasMessage("kv.bridge.enabled=true needs kv.bridge.bootstrap-servers"));
        on(redis, ns, "kv.clickhouse.enabled=true").run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                .hasMessageContaining("kv.clickhouse.enabled=true needs kv.clickhouse.url"));
    }

    /** An observation registry that records "name contextual-name" of every stopped observation. */
    static ObservationRegistry recording(List<String> observed) {
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStop(io.micrometer.observation.Observation.Context context) {
                observed.add(context.getName() + " " + context.getContextualName());
            }

            @Override
            public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
                return true;
            }
        });
        return observations;
    }

    @Test
    void aBadSettingStopsTheContextWithTheLibrarysMessage(RedisServer redis, TestNamespace ns) {
        on(redis, ns, "kv.shards=0").run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                .hasMessageContaining("KvOptions.shards must be 1..16384, got 0"));
    }
}
