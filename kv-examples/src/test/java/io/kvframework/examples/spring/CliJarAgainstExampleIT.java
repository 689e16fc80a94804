package io.kvframework.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.drainer.Drainer;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The operator CLI as users get it, {@code java -jar kv-cli-<version>-all.jar}, against the Spring
 * Boot example while it runs: no source tree, no Maven.
 */
class CliJarAgainstExampleIT {

    @Test
    void kvStatusOfTheBuiltJarShowsTheRunningExample() throws Exception {
        Path jar = Path.of(System.getProperty("kv.cli.jar", "kv-cli/target/kv-cli-all.jar"));
        assertThat(jar).as("the CLI's executable jar (built by mvn package -pl kv-cli)").isRegularFile();
        SpringApplicationBuilder b = new SpringApplicationBuilder(PaymentsApplication.class);
        String namespace = "cli" + UUID.randomUUID().toString().substring(0, 8);
        PaymentsApplicationIT.servers().forEach((k, v) -> b.properties(k + "=" + (k.equals("kv.namespace") ? namespace : v)));
        try (ConfigurableApplicationContext app = b.run()) {
            PaymentService payments = app.getBean(PaymentService.class);
            for (int i = 0; i < 5; i++) {
                payments.open(namespace + "-" + i, "c-cli", BigDecimal.TEN);
            }
            assertThat(app.getBean(Drainer.class).awaitDrained(Duration.ofSeconds(30))).isTrue();
            String redis = app.getEnvironment().getProperty("spring.data.redis.url");

            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    jar.toString(), "status", "--redis", redis, "--namespace", namespace));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(text).isZero();
            assertThat(text).contains("namespace " + namespace, "drainer");
        }
        assertThat(Files.size(jar)).isGreaterThan(1_000_000);
    }
}
