package io.kvframework.redis.internal;

import io.kvframework.core.IndexDefinition;
import java.util.List;

/**
 * How a where-clause is served ({@link QueryPlanner}).
 *
 * @param empty the conditions contradict each other: nothing can match
 * @param pks encoded primary keys to read (every key column pinned), else null
 * @param keys the key values of each of {@code pks}
 * @param index the index to read otherwise
 * @param tuples the encoded value tuples of {@code index} to look up
 */
record QueryPlan(boolean empty, List<String> pks, List<Object[]> keys, IndexDefinition index, List<String> tuples) {
}
