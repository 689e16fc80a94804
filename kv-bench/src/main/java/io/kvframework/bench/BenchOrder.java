package io.kvframework.bench;

import io.kvframework.annotations.Indexed;
import io.kvframework.annotations.Key;
import io.kvframework.annotations.KvEntity;
import java.math.BigDecimal;
import java.time.Instant;

/** The benchmark entity: 8 columns, 2 indexed. */
@KvEntity(table = "bench_orders")
public record BenchOrder(@Key String id, @Indexed String city, @Indexed String status, String customer, BigDecimal total, int qty,
        Instant createdAt, String note) {

    static BenchOrder sample(String id, long n) {
        return new BenchOrder(id, "city-" + (n % 100), n % 2 == 0 ? "NEW" : "PAID", "customer-" + (n % 1000),
                new BigDecimal("19.99"), (int) (n % 7), Instant.ofEpochSecond(1_700_000_000L + n), "benchmark row");
    }
}
