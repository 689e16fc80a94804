package io.kvframework.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A where-clause over the columns of entity {@code E}: an AND of {@link Condition}s, or an OR of
 * such conjunctions ({@link #or}). Each conjunction must pin the primary key or an index with
 * {@code eq}/{@code in}/{@code isNull}; other predicates filter the candidates. An OR is answered
 * as the union of its conjunctions, each with the rules of {@code findAllWithKV}, a row once.
 */
public final class Where<E> {
    private final List<Condition> conditions;
    private final List<Where<E>> alternatives;

    private Where(List<Condition> conditions, List<Where<E>> alternatives) {
        this.conditions = List.copyOf(conditions);
        this.alternatives = List.copyOf(alternatives);
    }

    static <E> Where<E> of(Condition condition) {
        return new Where<>(List.of(condition), List.of());
    }

    /** This clause AND {@code other}; an AND over ORs distributes: {@code (a OR b) AND c} is {@code (a AND c) OR (b AND c)}. */
    public Where<E> and(Where<E> other) {
        if (other == null) {
            throw new InvalidValueException("where-clause: and(null)");
        }
        if (!isDisjunction() && !other.isDisjunction()) {
            List<Condition> all = new ArrayList<>(conditions);
            all.addAll(other.conditions);
            return new Where<>(all, List.of());
        }
        List<Where<E>> product = new ArrayList<>();
        for (Where<E> a : alternatives()) {
            for (Where<E> b : other.alternatives()) {
                product.add(a.and(b));
            }
        }
        return new Where<>(List.of(), product);
    }

    /** This clause OR {@code other}. */
    public Where<E> or(Where<E> other) {
        if (other == null) {
            throw new InvalidValueException("where-clause: or(null)");
        }
        List<Where<E>> all = new ArrayList<>(alternatives());
        all.addAll(other.alternatives());
        return new Where<>(List.of(), all);
    }

    /** Whether this clause is an OR of conjunctions. */
    public boolean isDisjunction() {
        return !alternatives.isEmpty();
    }

    /** The conjunctions of an OR; a conjunction is its own single alternative. */
    public List<Where<E>> alternatives() {
        return isDisjunction() ? alternatives : List.of(this);
    }

    /** The conditions of a conjunction, in the order they were given; empty for an OR (see {@link #alternatives()}). */
    public List<Condition> conditions() {
        return conditions;
    }

    /** Whether column values (by model position) satisfy this clause. */
    public boolean test(Object[] values) {
        for (Where<E> alternative : alternatives()) {
            boolean all = true;
            for (Condition c : alternative.conditions) {
                if (!c.test(values[c.column().position()])) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        if (isDisjunction()) {
            return String.join(" OR ", alternatives.stream().map(a -> "(" + a + ")").toList());
        }
        return String.join(" AND ", conditions.stream().map(Condition::toString).toList());
    }
}
