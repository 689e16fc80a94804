package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.Condition;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.UnindexedQueryException;
import io.kvframework.core.UnknownColumnException;
import io.kvframework.core.Where;
import io.kvframework.redis.KvKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides how a where-clause is served without touching a server: every key column pinned
 * (eq/in/isNull) gives primary keys; otherwise the index whose pinned columns give the fewest value
 * combinations (a unique one on a tie); otherwise {@link UnindexedQueryException} naming what could
 * serve it. Conditions that contradict each other give an empty plan.
 */
final class QueryPlanner<E> {
    /** The most key or index value combinations an in()-list product may expand to. */
    static final int MAX_COMBINATIONS = 10_000;
    /** Stands for "is null" among pinned values. */
    private static final Object NULL = new Object();

    private final EntityModel<E> model;
    private final String table;

    QueryPlanner(EntityModel<E> model) {
        this.model = model;
        this.table = model.table();
    }

    /**
     * The plan of the most common read, one {@code eq} on a single-column primary key, made without
     * the general planner's sets and products; null for any other where-clause (and for a null or
     * binary value), which {@link #plan} serves. The value is normalized (and checked) as there.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    QueryPlan singleKey(Where<E> where) {
        if (where == null || where.isDisjunction() || model.key().size() != 1 || where.conditions().size() != 1) {
            return null;
        }
        Condition c = where.conditions().get(0);
        Column<?, ?> key = model.key().get(0);
        if (c.op() != Condition.Op.EQ || c.column() != key || c.values().size() != 1) {
            return null;
        }
        Object value = ((Column) key).normalize(c.values().get(0));
        if (value == null || value instanceof byte[]) {
            return null;
        }
        Object[] values = new Object[model.columns().size()];
        values[key.position()] = value;
        return new QueryPlan(false, List.of(KvKeys.primaryKey(model, values)), List.<Object[]>of(new Object[] {value}), null, null);
    }

    /** How a where-clause is served: by primary keys, or by an index with the tuples of values to look up. */
    QueryPlan plan(Where<E> where) {
        if (where == null || where.conditions().isEmpty()) {
            throw new UnindexedQueryException(table + ": a where-clause is required");
        }
        Map<Column<?, ?>, Set<Object>> pinned = new LinkedHashMap<>();
        for (Condition c : where.conditions()) {
            if (!model.owns(c.column())) {
                throw new UnknownColumnException(table + ": where-clause uses column " + c.column().qualified()
                        + ", which does not belong to this entity");
            }
            Set<Object> values = switch (c.op()) {
                case EQ, IN -> normalized(c);
                case IS_NULL -> Set.of(NULL);
                default -> null;
            };
            if (values != null) {
                pinned.merge(c.column(), values, (a, b) -> {
                    Set<Object> both = new LinkedHashSet<>(a);
                    both.retainAll(b);
                    return both;
                });
            }
        }
        if (pinned.values().stream().anyMatch(Set::isEmpty)) {
            return new QueryPlan(true, null, null, null, null);
        }
        if (pinned.keySet().containsAll(model.key())) {
            List<List<Object>> product = product(model.key(), pinned);
            if (product.stream().anyMatch(t -> t.contains(NULL))) {
                product = product.stream().filter(t -> !t.contains(NULL)).toList();
            }
            List<String> pks = new ArrayList<>();
            List<Object[]> keyTuples = new ArrayList<>();
            for (List<Object> tuple : product) {
                Object[] values = new Object[model.columns().size()];
                for (int i = 0; i < tuple.size(); i++) {
                    values[model.key().get(i).position()] = tuple.get(i);
                }
                pks.add(KvKeys.primaryKey(model, values));
                keyTuples.add(tuple.toArray());
            }
            return new QueryPlan(pks.isEmpty(), pks, keyTuples, null, null);
        }
        IndexDefinition best = null;
        long bestSize = Long.MAX_VALUE;
        for (IndexDefinition index : model.indexes()) {
            if (pinned.keySet().containsAll(index.columns())) {
                long size = 1;
                for (Column<?, ?> c : index.columns()) {
                    size *= pinned.get(c).size();
                }
                if (index.unique() && size <= bestSize || size < bestSize) {
                    best = index;
                    bestSize = size;
                }
            }
        }
        if (best == null) {
            throw unindexed(where);
        }
        List<String> tuples = new ArrayList<>();
        for (List<Object> tuple : product(best.columns(), pinned)) {
            Object[] values = new Object[model.columns().size()];
            for (int i = 0; i < tuple.size(); i++) {
                values[best.columns().get(i).position()] = tuple.get(i) == NULL ? null : tuple.get(i);
            }
            tuples.add(KvKeys.indexValues(best, values));
        }
        return new QueryPlan(false, null, null, best, tuples);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Set<Object> normalized(Condition c) {
        Set<Object> out = new LinkedHashSet<>();
        for (Object v : c.values()) {
            Object n = ((Column) c.column()).normalize(v);
            out.add(n instanceof byte[] ? java.nio.ByteBuffer.wrap((byte[]) n) : n);
        }
        return out;
    }

    private List<List<Object>> product(List<? extends Column<?, ?>> columns, Map<Column<?, ?>, Set<Object>> pinned) {
        List<List<Object>> product = new ArrayList<>();
        product.add(List.of());
        for (Column<?, ?> c : columns) {
            List<List<Object>> next = new ArrayList<>();
            for (List<Object> prefix : product) {
                for (Object v : pinned.get(c)) {
                    List<Object> t = new ArrayList<>(prefix);
                    t.add(v);
                    next.add(t);
                }
            }
            if (next.size() > MAX_COMBINATIONS) {
                throw new InvalidValueException(table + ": the where-clause expands to more than " + MAX_COMBINATIONS
                        + " key or index value combinations; narrow the in() lists");
            }
            product = next;
        }
        return product;
    }

    private UnindexedQueryException unindexed(Where<E> where) {
        List<String> indexes = new ArrayList<>();
        indexes.add("primary key (" + String.join(", ", model.key().stream().map(Column::name).toList()) + ")");
        for (IndexDefinition index : model.indexes()) {
            indexes.add(index.name() + " (" + String.join(", ", index.columnNames()) + ")");
        }
        List<String> used = where.conditions().stream().map(c -> c.column().name()).distinct().toList();
        return new UnindexedQueryException(table + ": no primary key or index can serve where " + where
                + ": pin every column of one of " + indexes + " with eq/in/isNull, or add an index on " + used);
    }
}
