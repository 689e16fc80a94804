package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.UnknownColumnException;
import io.kvframework.core.Update;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An update's assignments: field/value pairs to set and fields to clear in the row hash, and the
 * new values by column (for the database and for unique claims).
 */
record Assignments(List<String> sets, List<String> clears, Map<Column<?, ?>, Object> values) {

    /** The assignments of an update, checked: columns of this entity, no key column, values normalised and encoded. */
    static <E> Assignments of(EntityModel<E> model, RowCodec<E> codec, Update<E> set) {
        String table = model.table();
        if (set == null || set.assignments().isEmpty()) {
            throw new InvalidValueException(table + ": an update needs at least one column to set");
        }
        List<String> sets = new ArrayList<>();
        List<String> clears = new ArrayList<>();
        Map<Column<?, ?>, Object> values = new LinkedHashMap<>();
        for (Map.Entry<Column<E, ?>, Object> e : set.assignments().entrySet()) {
            Column<E, ?> c = e.getKey();
            if (!model.owns(c)) {
                throw new UnknownColumnException(table + ": column " + c.qualified() + " does not belong to this entity");
            }
            if (model.key().contains(c)) {
                throw new InvalidValueException(c.qualified() + ": key columns cannot be updated; delete the row and create it with the new key");
            }
            Object v = normalize(c, e.getValue());
            values.put(c, v);
            if (v == null) {
                clears.add(c.name());
            } else {
                sets.add(c.name());
                sets.add(codec.encodeChecked(c, v));
            }
        }
        return new Assignments(sets, clears, values);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object normalize(Column c, Object v) {
        return c.normalize(v);
    }
}
