package io.kvframework.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.testkit.PostgresServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.Servers;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Spring Boot example as an application: real Redis and PostgreSQL from kv-testkit. */
@SpringBootTest
class PaymentsApplicationIT {
    static final String NAMESPACE = "pay" + UUID.randomUUID().toString().substring(0, 8);

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        servers().forEach((k, v) -> registry.add(k, () -> v));
    }

    static Map<String, String> servers() {
        RedisServer redis = Servers.redis();
        PostgresServer postgres = Servers.postgres();
        return Map.of("spring.data.redis.url", redis.uri(), "spring.datasource.url", postgres.jdbcUrl(),
                "spring.datasource.username", postgres.user(), "spring.datasource.password", postgres.password(),
                "kv.namespace", NAMESPACE, "kv.drainer.poll-interval", "PT0.01S");
    }

    @Autowired
    PaymentService service;
    @Autowired
    Drainer drainer;
    @Autowired
    KvClient kv;
    @Autowired
    HealthEndpoint health;
    @Autowired
    MeterRegistry meters;

    @Test
    void writesDrainAndReadBackAfterEvictionWhileHealthSaysUp() throws Exception {
        String id = "p-" + UUID.randomUUID();
        service.open(id, "c-1", new BigDecimal("12.50"));
        assertThat(service.capture(id)).map(Payment::status).contains(Payment.Status.CAPTURED);
        assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
        assertThat(SqlDatabase.of(kv.database()).dsl().fetchValue("select status from spring_payments where id = ?", id)).isEqualTo("CAPTURED");

        kv.admin().evictAll("spring_payments");
        Payment fromDatabase = service.find(id).orElseThrow();
        assertThat(fromDatabase.amount()).isEqualByComparingTo("12.50");
        assertThat(fromDatabase.version()).isEqualTo(2);
        assertThat(service.of("c-1", Payment.Status.CAPTURED)).extracting(Payment::id).contains(id);

        CompositeHealth kvHealth = (CompositeHealth) health.healthForPath("kv");
        assertThat(kvHealth.getStatus()).isEqualTo(Status.UP);
        assertThat(kvHealth.getComponents()).containsKeys("redis", "drainer");
        // the library's meters are in the application's registry (what /actuator/metrics shows)
        assertThat(meters.find("kv.writes").tag("table", "spring_payments").counters()).isNotEmpty();
        assertThat(meters.find("kv.engine.events").tag("group", "drainer").counter()).isNotNull();
    }

    @Test
    void anApplicationStoppedRightAfterWritingLosesNoChange() throws Exception {
        String prefix = "s-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int n = 300;
        try (ConfigurableApplicationContext app = start()) {
            PaymentService payments = app.getBean(PaymentService.class);
            for (int i = 0; i < n; i++) {
                payments.open(prefix + i, "c-stop", BigDecimal.ONE);
            }
        } // closed at once: the drainer finishes its batch and releases its shards; the rest waits in the streams
        try (ConfigurableApplicationContext app = start()) {
            assertThat(app.getBean(Drainer.class).awaitDrained(Duration.ofSeconds(60))).isTrue();
            Object rows = SqlDatabase.of(app.getBean(KvClient.class).database()).dsl()
                    .fetchValue("select count(*) from spring_payments where id like ?", prefix + "%");
            assertThat(((Number) rows).intValue()).isEqualTo(n);
        }
    }

    private static ConfigurableApplicationContext start() {
        SpringApplicationBuilder b = new SpringApplicationBuilder(PaymentsApplication.class);
        servers().forEach((k, v) -> b.properties(k + "=" + v));
        return b.run();
    }
}
