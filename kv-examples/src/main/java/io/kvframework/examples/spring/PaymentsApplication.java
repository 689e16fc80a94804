package io.kvframework.examples.spring;

import io.kvframework.spring.boot.KvEntityScan;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot example: {@code kv-spring-boot-starter}, a DataSource and {@code spring.data.redis.*}
 * are all it takes (see application.properties and docs/spring-boot.md). Run with a Redis and a
 * PostgreSQL reachable as application.properties says, or override them, for example
 * {@code --spring.data.redis.url=redis://host:6379 --spring.datasource.url=jdbc:postgresql://host/db}.
 */
@SpringBootApplication
@KvEntityScan(basePackageClasses = Payment.class) // this module holds other examples' entities too
public class PaymentsApplication {
    public static void main(String[] args) {
        SpringApplication.run(PaymentsApplication.class, args);
    }
}
