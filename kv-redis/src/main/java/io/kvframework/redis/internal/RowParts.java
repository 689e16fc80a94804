package io.kvframework.redis.internal;

import io.kvframework.core.EntityModel;
import io.kvframework.core.spi.EntityStore;
import io.micrometer.core.instrument.Counter;

/** The parts of one entity's data plane, shared by the blocking repository and its asynchronous twin. */
record RowParts<E>(EntityModel<E> model, RowCodec<E> codec, RowScripts<E> scripts, QueryPlanner<E> planner, MergedReader<E> reader,
        RowCreator<E> creator, EntityStore<E> store, boolean hasUniques, Counter creates, Counter saves, Counter updates,
        Counter deletes) {
}
