package io.kvframework.core;

/** An entity together with its row version (for optimistic locking). */
public record Versioned<E>(E entity, long version) {
}
