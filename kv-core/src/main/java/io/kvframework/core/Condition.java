package io.kvframework.core;

import java.util.List;

/** One predicate of a where-clause: {@code column op values}. */
public record Condition(Column<?, ?> column, Op op, List<Object> values) {

    /** Predicate operators. */
    public enum Op {
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">="), IN("IN"), IS_NULL("IS NULL"), IS_NOT_NULL("IS NOT NULL");

        private final String sql;

        Op(String sql) {
            this.sql = sql;
        }

        /** The SQL spelling, for messages. */
        public String sql() {
            return sql;
        }
    }

    /** Whether this predicate pins the column to a finite set of values (EQ or IN). */
    public boolean pins() {
        return op == Op.EQ || op == Op.IN;
    }

    /** Whether a (normalised) column value satisfies this predicate, with SQL semantics for null. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean test(Object value) {
        switch (op) {
            case IS_NULL:
                return value == null;
            case IS_NOT_NULL:
                return value != null;
            default:
                break;
        }
        if (value == null) {
            return false;
        }
        Object normalizedValue = ((Column) column).normalize(value);
        if (op == Op.IN) {
            for (Object candidate : values) {
                if (same(normalizedValue, ((Column) column).normalize(candidate))) {
                    return true;
                }
            }
            return false;
        }
        Object operand = ((Column) column).normalize(values.get(0));
        if (op == Op.EQ) {
            return same(normalizedValue, operand);
        } else if (op == Op.NE) {
            return !same(normalizedValue, operand);
        }
        int c = ((Comparable) normalizedValue).compareTo(operand);
        return switch (op) {
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
            default -> throw new IllegalStateException(op.name());
        };
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof java.math.BigDecimal x && b instanceof java.math.BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.equals(x, y);
        }
        return a.equals(b);
    }

    @Override
    public String toString() {
        return column.name() + " " + op.sql() + (values.isEmpty() ? "" : " " + values);
    }
}
