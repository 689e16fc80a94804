package io.kvframework.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The rows of {@code findAllWithKV(where)}, ordered and paged: {@code orderBy} columns, then the
 * primary key, so that the order is the same whether a row came from Redis or the database and
 * from one call to the next; then {@code offset} and {@code limit}. The rows are merged as
 * {@code findAllWithKV} merges them (Redis wins, undrained moves and deletes as Redis has them)
 * and then ordered in memory, so a query reads every matching row.
 *
 * <p>Order of values: ascending puts nulls first and descending puts them last (as MariaDB does;
 * in PostgreSQL write {@code NULLS FIRST}/{@code NULLS LAST}); text by UTF-16 code units (a binary
 * collation); enums by name and UUIDs by their text, as the databases store them; decimals by
 * value. JSON and bytes columns cannot be ordered by.
 *
 * @param <E> the entity type
 */
public final class KvQuery<E> {
    /** A sort direction. */
    public enum Direction { ASC, DESC }

    private final EntityModel<E> model;
    private final Supplier<List<E>> rows;
    private final List<Column<E, ?>> orderColumns = new ArrayList<>();
    private final List<Direction> directions = new ArrayList<>();
    private int offset;
    private int limit = Integer.MAX_VALUE;

    /**
     * @param model the entity model
     * @param rows the merged rows of the where-clause (called once per terminal operation)
     */
    public KvQuery(EntityModel<E> model, Supplier<List<E>> rows) {
        this.model = Objects.requireNonNull(model, "model");
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    /** Orders by {@code column} ascending (after the columns already given). */
    public KvQuery<E> orderBy(Column<E, ?> column) {
        return orderBy(column, Direction.ASC);
    }

    /** Orders by {@code column} in {@code direction} (after the columns already given). */
    public KvQuery<E> orderBy(Column<E, ?> column, Direction direction) {
        if (column == null || direction == null) {
            throw new InvalidValueException(model.table() + ": orderBy needs a column and a direction");
        }
        if (!model.owns(column)) {
            throw new UnknownColumnException(model.table() + ": column " + column.qualified() + " does not belong to this entity");
        }
        if (column.type() == ColumnType.JSON || column.type() == ColumnType.BYTES) {
            throw new InvalidValueException(column.qualified() + ": a " + column.type() + " column cannot be ordered by");
        }
        orderColumns.add(column);
        directions.add(direction);
        return this;
    }

    /** Skips the first {@code offset} rows (in order). */
    public KvQuery<E> offset(int offset) {
        if (offset < 0) {
            throw new InvalidValueException(model.table() + ": offset must be >= 0, got " + offset);
        }
        this.offset = offset;
        return this;
    }

    /** Returns at most {@code limit} rows. */
    public KvQuery<E> limit(int limit) {
        if (limit < 0) {
            throw new InvalidValueException(model.table() + ": limit must be >= 0, got " + limit);
        }
        this.limit = limit;
        return this;
    }

    /** The rows, ordered, after {@code offset}, at most {@code limit}. */
    public List<E> list() {
        List<E> all = new ArrayList<>(rows.get());
        all.sort(comparator());
        int from = Math.min(offset, all.size());
        int to = (int) Math.min((long) from + limit, all.size());
        return new ArrayList<>(all.subList(from, to));
    }

    /** The first row in order, if any. */
    public Optional<E> first() {
        int saved = limit;
        limit = 1;
        try {
            List<E> one = list();
            return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
        } finally {
            limit = saved;
        }
    }

    /** The order: the {@code orderBy} columns, then the primary key ascending. */
    Comparator<E> comparator() {
        Comparator<E> c = (a, b) -> 0;
        for (int i = 0; i < orderColumns.size(); i++) {
            Column<E, ?> column = orderColumns.get(i);
            Comparator<E> by = (a, b) -> compare(column, column.get(a), column.get(b), true);
            c = c.thenComparing(directions.get(i) == Direction.DESC ? by.reversed() : by);
        }
        for (Column<E, ?> k : model.key()) {
            c = c.thenComparing((a, b) -> compare(k, k.get(a), k.get(b), true));
        }
        return c;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Column<?, ?> column, Object a, Object b, boolean nullsFirst) {
        if (a == null || b == null) {
            return a == b ? 0 : (a == null) == nullsFirst ? -1 : 1;
        }
        return switch (column.type()) {
            case ENUM -> ((Enum<?>) a).name().compareTo(((Enum<?>) b).name());
            case UUID -> a.toString().compareTo(b.toString());
            default -> ((Comparable) a).compareTo(b);
        };
    }
}
