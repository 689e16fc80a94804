package io.kvframework.core;

/** Creates an entity from a stored row; generated code calls the record's canonical constructor. */
@FunctionalInterface
public interface EntityFactory<E> {
    E create(Row row);
}
