package io.kvframework.examples.spring;

import io.kvframework.annotations.Column;
import io.kvframework.annotations.Indexed;
import io.kvframework.annotations.Key;
import io.kvframework.annotations.KvEntity;
import io.kvframework.annotations.Version;
import java.math.BigDecimal;
import java.time.Instant;

/** A payment of the Spring Boot example: the processor generates {@code PaymentRepository}, which the starter makes a bean. */
@KvEntity(table = "spring_payments")
public record Payment(
        @Key String id,
        @Indexed @Column(maxLength = 64) String customerId,
        @Column(precision = 12, scale = 2) BigDecimal amount,
        @Indexed Status status,
        Instant createdAt,
        @Version long version) {

    /** Where a payment is. */
    public enum Status { PENDING, CAPTURED, REFUNDED }
}
