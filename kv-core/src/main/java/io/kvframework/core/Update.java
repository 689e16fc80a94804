package io.kvframework.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The set-clause of an update: columns and their new values (null clears a nullable column). */
public final class Update<E> {
    private final Map<Column<E, ?>, Object> assignments;

    private Update(Map<Column<E, ?>, Object> assignments) {
        this.assignments = Collections.unmodifiableMap(assignments);
    }

    static <E> Update<E> of(Column<E, ?> column, Object value) {
        Map<Column<E, ?>, Object> map = new LinkedHashMap<>();
        map.put(column, value);
        return new Update<>(map);
    }

    /** This update and {@code other}; a column set twice keeps the later value. */
    public Update<E> and(Update<E> other) {
        Map<Column<E, ?>, Object> map = new LinkedHashMap<>(assignments);
        map.putAll(other.assignments);
        return new Update<>(map);
    }

    /** Columns and values. */
    public Map<Column<E, ?>, Object> assignments() {
        return assignments;
    }

    /** The columns this update sets. */
    public List<Column<E, ?>> columns() {
        return new ArrayList<>(assignments.keySet());
    }

    @Override
    public String toString() {
        return assignments.toString();
    }
}
