package io.kvframework.examples.quickstart;

import io.kvframework.annotations.Column;
import io.kvframework.annotations.Index;
import io.kvframework.annotations.Indexed;
import io.kvframework.annotations.Json;
import io.kvframework.annotations.Key;
import io.kvframework.annotations.KvEntity;
import io.kvframework.annotations.Version;
import java.math.BigDecimal;
import java.util.Map;

/** The entity of docs/getting-started.md, compiled (DocSnippetsTest keeps the two identical). */
// snippet:entity
@KvEntity(table = "orders", ttlSeconds = 3600,
          indexes = @Index(name = "by_city_status", columns = {"city", "status"}))
public record Order(
        @Key String id,
        @Indexed String city,
        Status status,
        @Indexed(unique = true) @Column(maxLength = 320) String email,
        @Column(precision = 12, scale = 2) BigDecimal total,
        int qty,
        @Json Map<String, String> attributes,
        @Version long version) {
    public enum Status { NEW, PAID, SHIPPED }
}
// end-snippet
