package io.kvframework.bench.baseline;

import java.math.BigDecimal;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.redis.core.RedisHash;
import org.springframework.data.redis.core.index.Indexed;

/** The benchmark entity as a Spring Data Redis user declares it: the same 8 columns, the same 2 indexed fields. */
@RedisHash("sd_bench_orders")
public record SdOrder(@Id String id, @Indexed String city, @Indexed String status, String customer, BigDecimal total, int qty,
        Instant createdAt, String note) {

    /** The same values as {@code BenchOrder.sample(id, n)}. */
    public static SdOrder sample(String id, long n) {
        return new SdOrder(id, "city-" + (n % 100), n % 2 == 0 ? "NEW" : "PAID", "customer-" + (n % 1000), new BigDecimal("19.99"),
                (int) (n % 7), Instant.ofEpochSecond(1_700_000_000L + n), "benchmark row");
    }
}
