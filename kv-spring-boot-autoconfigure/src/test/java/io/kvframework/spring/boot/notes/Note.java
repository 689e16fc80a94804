package io.kvframework.spring.boot.notes;

import io.kvframework.annotations.Indexed;
import io.kvframework.annotations.Key;
import io.kvframework.annotations.KvEntity;
import io.kvframework.annotations.Version;

/** A test entity of the starter's tests. */
@KvEntity(table = "spring_notes")
public record Note(@Key String id, @Indexed String author, String text, @Version long version) {
}
