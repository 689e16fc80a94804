package io.kvframework.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A where-clause: an AND of {@link Condition}s over the columns of entity {@code E}. It must pin
 * the primary key or an index with {@code eq}/{@code in}; other predicates filter the candidates.
 */
public final class Where<E> {
    private final List<Condition> conditions;

    private Where(List<Condition> conditions) {
        this.conditions = List.copyOf(conditions);
    }

    static <E> Where<E> of(Condition condition) {
        return new Where<>(List.of(condition));
    }

    /** This clause AND {@code other}. */
    public Where<E> and(Where<E> other) {
        List<Condition> all = new ArrayList<>(conditions);
        all.addAll(other.conditions);
        return new Where<>(all);
    }

    /** The conditions, in the order they were given. */
    public List<Condition> conditions() {
        return conditions;
    }

    @Override
    public String toString() {
        return String.join(" AND ", conditions.stream().map(Condition::toString).toList());
    }
}
