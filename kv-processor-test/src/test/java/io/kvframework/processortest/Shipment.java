package io.kvframework.processortest;

import io.kvframework.annotations.Index;
import io.kvframework.annotations.Json;
import io.kvframework.annotations.Key;
import io.kvframework.annotations.KvEntity;
import java.math.BigDecimal;
import java.time.LocalDate;

/** Sample entity: composite key in declared order, a composite index, a plain JSON column. */
@KvEntity(table = "shipments", indexes = @Index(name = "by_carrier_day", columns = {"carrier", "ship_day"}))
public record Shipment(
        @Key(order = 0) String orderId,
        @Key(order = 1) int seq,
        String carrier,
        LocalDate shipDay,
        BigDecimal weightKg,
        @Json Address to,
        byte[] label) {

    /** A JSON value. */
    public record Address(String street, String city, String country) {
    }
}
