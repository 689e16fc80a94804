package io.kvframework.sql;

import java.sql.SQLException;
import java.sql.Types;
import java.util.function.Function;
import org.jooq.BindingGetResultSetContext;
import org.jooq.BindingSetStatementContext;
import org.jooq.Converter;
import org.jooq.impl.AbstractBinding;

/**
 * Binds {@code LocalDate} and {@code LocalDateTime} as themselves (JDBC 4.2 {@code setObject} /
 * {@code getObject(index, type)}) instead of through {@code java.sql.Date} and
 * {@code java.sql.Timestamp}. Those legacy types go through the JVM's default time zone and the
 * Julian-Gregorian calendar: a date-time in a daylight-saving gap of the JVM's zone moved by an hour
 * and the days 1582-10-05..14 moved by ten days. Both drivers send the fields of a
 * {@code java.time} value unchanged. Values are read as their text ({@code 2026-03-29 02:30:00.000000})
 * and parsed. MariaDB Connector/J (3.5) decodes a DATETIME through the default zone even for
 * {@code getString}, so {@link SqlTable} selects MariaDB date-times as {@code cast(col as char)}.
 *
 * @param <T> {@code LocalDate} or {@code LocalDateTime}
 */
final class JavaTimeBinding<T> extends AbstractBinding<T, T> {

    private final int sqlType;
    private final Function<String, T> parse;
    private final Converter<T, T> identity;

    private JavaTimeBinding(Class<T> type, int sqlType, Function<String, T> parse) {
        this.sqlType = sqlType;
        this.parse = parse;
        this.identity = Converter.ofNullable(type, type, Function.identity(), Function.identity());
    }

    static JavaTimeBinding<java.time.LocalDate> date() {
        return new JavaTimeBinding<>(java.time.LocalDate.class, Types.DATE, java.time.LocalDate::parse);
    }

    static JavaTimeBinding<java.time.LocalDateTime> dateTime() {
        return new JavaTimeBinding<>(java.time.LocalDateTime.class, Types.TIMESTAMP, JavaTimeBinding::parseDateTime);
    }

    /** A date-time as the databases print it ({@code 2026-03-29 02:30:00.000000}) or in ISO form. */
    static java.time.LocalDateTime parseDateTime(String text) {
        return java.time.LocalDateTime.parse(text.replace(' ', 'T'));
    }

    @Override
    public Converter<T, T> converter() {
        return identity;
    }

    @Override
    public void set(BindingSetStatementContext<T> ctx) throws SQLException {
        if (ctx.value() == null) {
            ctx.statement().setNull(ctx.index(), sqlType);
        } else {
            ctx.statement().setObject(ctx.index(), ctx.value());
        }
    }

    @Override
    public void get(BindingGetResultSetContext<T> ctx) throws SQLException {
        String text = ctx.resultSet().getString(ctx.index());
        ctx.value(text == null ? null : parse.apply(text));
    }
}
