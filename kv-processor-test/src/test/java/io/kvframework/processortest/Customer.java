package io.kvframework.processortest;

import io.kvframework.annotations.Column;
import io.kvframework.annotations.Indexed;
import io.kvframework.annotations.Json;
import io.kvframework.annotations.Key;
import io.kvframework.annotations.KvEntity;
import io.kvframework.annotations.Version;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample entity: unique and plain indexes, a generic JSON column, a version component, a TTL. */
@KvEntity(table = "customers", ttlSeconds = 600)
public record Customer(
        @Key String id,
        @Indexed(unique = true) @Column(maxLength = 320) String email,
        @Column(name = "full_name", nullable = false) String name,
        @Indexed Tier tier,
        int loyaltyPoints,
        @Json Map<String, List<String>> preferences,
        Instant signedUpAt,
        @Version long version) {

    public enum Tier { BRONZE, SILVER, GOLD }
}
