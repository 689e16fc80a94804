package io.kvframework.spring.boot.other;

import io.kvframework.annotations.Key;
import io.kvframework.annotations.KvEntity;
import io.kvframework.annotations.Version;

/** A second test entity, in another package, for {@code @KvEntityScan}. */
@KvEntity(table = "spring_tags")
public record Tag(@Key String name, @Version long version) {
}
