package io.kvframework.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import io.kvframework.core.support.IsoDateTimes;
import io.kvframework.core.support.JsonMapper;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A typed column of entity {@code E} with Java value type {@code T}. Generated {@code *Table}
 * classes hold one constant per column; build where-clauses and updates from them:
 * {@code OrderTable.CITY.eq("Oslo").and(OrderTable.TOTAL.gt(new BigDecimal("10")))}.
 *
 * <p>Every value has one canonical string form ({@link #encode(Object)}), used in Redis hashes, index
 * keys and stream events; {@link #decode(String)} reverses it.
 */
public final class Column<E, T> {
    /** Length of a String or enum column in the primary key or an index when none is declared. */
    public static final int DEFAULT_INDEXED_LENGTH = 255;
    /** The most digits a {@link BigDecimal} column may declare (MariaDB's {@code DECIMAL} limit). */
    public static final int MAX_PRECISION = 65;
    /** The most decimals a {@link BigDecimal} column may declare (MariaDB's {@code DECIMAL} limit). */
    public static final int MAX_SCALE = 30;
    /** Integer digits of a {@link BigDecimal} column without declared precision: what {@code DECIMAL(65,30)} holds. */
    public static final int UNDECLARED_INTEGER_DIGITS = MAX_PRECISION - MAX_SCALE;
    /** The earliest {@link Instant} both databases store ({@code DATETIME(6)} in MariaDB starts at year 1000). */
    public static final Instant MIN_INSTANT = Instant.parse("1000-01-01T00:00:00Z");
    /** The latest {@link Instant} both databases store, at microsecond precision. */
    public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");
    /** The earliest {@link LocalDate} both databases store. */
    public static final LocalDate MIN_DATE = LocalDate.of(1000, 1, 1);
    /** The latest {@link LocalDate} both databases store. */
    public static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);

    private final String name;
    private final ColumnType type;
    private final Class<T> javaType;
    private final boolean nullable;
    private final int declaredLength;
    private final int precision;
    private final int scale;
    private final Function<E, T> getter;
    private final JavaType jsonType;
    private int position = -1;
    private int maxLength;
    private boolean indexed;
    private String table = "?";

    Column(String name, ColumnType type, Class<T> javaType, boolean nullable, int maxLength, int precision, int scale,
            Function<E, T> getter, Type jsonType) {
        this.name = name;
        this.type = type;
        this.javaType = javaType;
        this.nullable = nullable;
        this.declaredLength = maxLength;
        this.maxLength = maxLength;
        this.precision = precision;
        this.scale = scale;
        this.getter = getter;
        this.jsonType = type == ColumnType.JSON ? JsonMapper.MAPPER.constructType(jsonType != null ? jsonType : javaType) : null;
    }

    /**
     * Starts a column called {@code name} holding {@code javaType} values read by {@code getter}; the
     * column type is inferred from the Java type (declare JSON with {@link ColumnBuilder#json}).
     */
    public static <E, T> ColumnBuilder<E, T> builder(String name, Class<T> javaType, Function<E, T> getter) {
        return new ColumnBuilder<>(name, javaType, getter);
    }

    /** Binds the column to its model; {@code indexed} when it is part of the primary key or an index. */
    void bind(String table, int position, boolean indexed) {
        if (this.position >= 0) {
            throw new InvalidModelException("column " + name + " already belongs to table " + this.table);
        }
        int length = declaredLength;
        if (length < 0 && indexed && (type == ColumnType.STRING || type == ColumnType.ENUM)) {
            length = DEFAULT_INDEXED_LENGTH;
        }
        if (type == ColumnType.ENUM && length > 0) {
            for (Object constant : javaType.getEnumConstants()) {
                String constantName = ((Enum<?>) constant).name();
                if (constantName.codePointCount(0, constantName.length()) > length) {
                    throw new InvalidModelException(table + "." + name + ": enum constant " + constantName + " is longer than the column's"
                            + " maxLength " + length);
                }
            }
        }
        this.table = table;
        this.position = position;
        this.indexed = indexed;
        this.maxLength = length;
    }

    /** Column name in the database and in Redis hashes. */
    public String name() {
        return name;
    }

    /** The column type. */
    public ColumnType type() {
        return type;
    }

    /** Java type of values. */
    public Class<T> javaType() {
        return javaType;
    }

    /** Whether null is allowed. */
    public boolean nullable() {
        return nullable;
    }

    /**
     * Maximum length (characters of a String or enum name, counted as Unicode code points; bytes of
     * a byte[]; characters of JSON text), or -1 when only the client's {@code maxValueLength}
     * applies. Declared with {@code maxLength}, or {@value #DEFAULT_INDEXED_LENGTH} for a String or
     * enum column in the primary key or an index.
     */
    public int maxLength() {
        return maxLength;
    }

    /** Whether the column is part of the primary key or of an index. */
    public boolean indexed() {
        return indexed;
    }

    /** Declared total digits of a {@link BigDecimal} column, or -1 when undeclared. */
    public int precision() {
        return precision;
    }

    /** Declared decimals of a {@link BigDecimal} column, or -1 when undeclared. */
    public int scale() {
        return scale;
    }

    /** Position of the column in its entity model. */
    public int position() {
        return position;
    }

    /** Table this column belongs to. */
    public String table() {
        return table;
    }

    /** Reads this column's value from an entity. */
    public T get(E entity) {
        return getter.apply(entity);
    }

    // ---- where-clauses

    /** {@code column = value}; for a null value use {@link #isNull()}. */
    public Where<E> eq(T value) {
        return Where.of(new Condition(this, Condition.Op.EQ, List.of(checked(value, "eq"))));
    }

    /** {@code column <> value} (rows where the column is null do not match, as in SQL). */
    public Where<E> ne(T value) {
        return Where.of(new Condition(this, Condition.Op.NE, List.of(checked(value, "ne"))));
    }

    public Where<E> lt(T value) {
        return Where.of(new Condition(this, Condition.Op.LT, List.of(comparable(value, "lt"))));
    }

    public Where<E> le(T value) {
        return Where.of(new Condition(this, Condition.Op.LE, List.of(comparable(value, "le"))));
    }

    public Where<E> gt(T value) {
        return Where.of(new Condition(this, Condition.Op.GT, List.of(comparable(value, "gt"))));
    }

    public Where<E> ge(T value) {
        return Where.of(new Condition(this, Condition.Op.GE, List.of(comparable(value, "ge"))));
    }

    /** {@code column IN (values)}; at least one value, none null. */
    @SafeVarargs
    public final Where<E> in(T... values) {
        return in(Arrays.asList(values));
    }

    /** {@code column IN (values)}; at least one value, none null. */
    public Where<E> in(Collection<? extends T> values) {
        if (values == null || values.isEmpty()) {
            throw new InvalidValueException(qualified() + ": in() needs at least one value");
        }
        List<Object> list = values.stream().map(v -> (Object) checked(v, "in")).distinct().toList();
        return Where.of(new Condition(this, Condition.Op.IN, list));
    }

    /** {@code column IS NULL}. */
    public Where<E> isNull() {
        return Where.of(new Condition(this, Condition.Op.IS_NULL, List.of()));
    }

    /** {@code column IS NOT NULL}. */
    public Where<E> isNotNull() {
        return Where.of(new Condition(this, Condition.Op.IS_NOT_NULL, List.of()));
    }

    /** An update that sets this column (null allowed for nullable columns). */
    public Update<E> set(T value) {
        if (value != null) {
            check(value);
        } else if (!nullable) {
            throw new InvalidValueException(qualified() + ": column is not nullable, cannot set null");
        }
        return Update.of(this, value);
    }

    private T checked(T value, String op) {
        if (value == null) {
            throw new InvalidValueException(qualified() + ": " + op + "(null) is not allowed; use isNull()");
        }
        check(value);
        return value;
    }

    private T comparable(T value, String op) {
        if (type == ColumnType.JSON || type == ColumnType.BYTES || type == ColumnType.BOOLEAN) {
            throw new InvalidValueException(qualified() + ": " + op + "() is not defined for " + type + " columns");
        }
        return checked(value, op);
    }

    /**
     * Checks that {@code value} (not null) fits this column: its Java type and its size.
     *
     * @throws InvalidValueException naming the column and the problem
     */
    public void check(Object value) {
        ValueLimits.check(this, value);
    }

    /** The declared maximum length, or -1 when the default applies. */
    int declaredLength() {
        return declaredLength;
    }

    /** {@code table.column}, for messages. */
    public String qualified() {
        return table + "." + name;
    }

    // ---- canonical string form

    /** The canonical string form of a non-null value. */
    public String encode(Object value) {
        Objects.requireNonNull(value, "value");
        return switch (type) {
            case STRING -> (String) value;
            case INT, LONG, SHORT, BOOLEAN, UUID, LOCAL_DATE -> value.toString();
            case DOUBLE -> Double.toString(positiveZero((Double) value));
            case DECIMAL -> normalizeDecimal((BigDecimal) value).toString();
            case INSTANT -> IsoDateTimes.isoText(((Instant) value).truncatedTo(ChronoUnit.MICROS));
            case LOCAL_DATE_TIME -> IsoDateTimes.isoText(((LocalDateTime) value).truncatedTo(ChronoUnit.MICROS));
            case ENUM -> ((Enum<?>) value).name();
            case BYTES -> Base64.getEncoder().encodeToString((byte[]) value);
            case JSON -> json(value);
        };
    }

    /** The value of a canonical string form. */
    public T decode(String text) {
        try {
            Object value = switch (type) {
                case STRING -> text;
                case INT -> Integer.valueOf(text);
                case LONG -> Long.valueOf(text);
                case SHORT -> Short.valueOf(text);
                case BOOLEAN -> parseBoolean(text);
                case DOUBLE -> Double.valueOf(text);
                case DECIMAL -> new BigDecimal(text);
                case UUID -> java.util.UUID.fromString(text);
                case INSTANT -> IsoDateTimes.parseInstant(text);
                case LOCAL_DATE -> LocalDate.parse(text);
                case LOCAL_DATE_TIME -> IsoDateTimes.parseLocalDateTime(text);
                case ENUM -> enumValue(text);
                case BYTES -> Base64.getDecoder().decode(text);
                case JSON -> JsonMapper.MAPPER.readValue(text, jsonType);
            };
            return javaType.cast(value);
        } catch (RuntimeException | JsonProcessingException e) {
            throw new InvalidValueException(qualified() + ": cannot read stored value '" + abbreviate(text) + "' as " + type
                    + ": " + e.getMessage(), e);
        }
    }

    /** Normalises a value as storage would (for example Instants to microseconds); null stays null. */
    public T normalize(T value) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case INSTANT -> javaType.cast(((Instant) value).truncatedTo(ChronoUnit.MICROS));
            case LOCAL_DATE_TIME -> javaType.cast(((LocalDateTime) value).truncatedTo(ChronoUnit.MICROS));
            case DECIMAL -> javaType.cast(normalizeDecimal((BigDecimal) value));
            case DOUBLE -> javaType.cast(positiveZero((Double) value));
            default -> value;
        };
    }

    /** -0.0 becomes 0.0: MariaDB's DOUBLE does not keep the sign of zero, so neither does the model. */
    private static Double positiveZero(Double d) {
        return d == 0.0d ? Double.valueOf(0.0d) : d;
    }

    /** The canonical form of a decimal, or the value itself when it does not fit the declared scale (refused by {@link #check}). */
    private BigDecimal normalizeDecimal(BigDecimal value) {
        try {
            return ValueLimits.canonical(value, scale);
        } catch (ArithmeticException e) {
            return value;
        }
    }

    private String json(Object value) {
        try {
            String text = JsonMapper.MAPPER.writeValueAsString(value);
            ValueLimits.checkText(this, text);
            if (text.contains("\\u0000")) {
                throw new InvalidValueException(qualified() + ": JSON value contains a NUL character (\\u0000), which PostgreSQL's jsonb"
                        + " cannot store");
            }
            return text;
        } catch (JsonProcessingException e) {
            throw new InvalidValueException(qualified() + ": value is not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Boolean parseBoolean(String text) {
        if (text.equals("true")) {
            return Boolean.TRUE;
        } else if (text.equals("false")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("not true/false");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object enumValue(String text) {
        return Enum.valueOf((Class) javaType, text);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    @Override
    public String toString() {
        return qualified() + " " + type;
    }
}
