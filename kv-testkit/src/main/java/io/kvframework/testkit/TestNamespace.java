package io.kvframework.testkit;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A name that belongs to one test: use it as the Redis key prefix, the PostgreSQL schema, the
 * MariaDB and ClickHouse database and the Kafka topic prefix, so tests never see each other's data.
 * It matches {@code [a-z][a-z0-9_]*}, so it is safe in every one of those places.
 */
public record TestNamespace(String value) {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** A fresh, unique namespace. */
    public static TestNamespace create() {
        String random = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        return new TestNamespace("kvt_" + COUNTER.incrementAndGet() + "_" + random);
    }

    @Override
    public String toString() {
        return value;
    }
}
