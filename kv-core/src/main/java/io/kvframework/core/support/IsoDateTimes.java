package io.kvframework.core.support;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Reading and writing the date-time texts handled for every row — the stream's and the row hash's
 * {@code Instant.toString()} / {@code LocalDateTime.toString()} forms in and out, PostgreSQL's
 * {@code uuuu-MM-dd HH:mm:ss.SSSSSS} out — by hand for the usual four-digit-year forms, with the
 * same results as {@link Instant#parse}, {@link LocalDateTime#parse}, {@code toString()} and the formatter, which
 * handle everything else (and say what is wrong with a bad text). {@code DateTimeFormatter} costs
 * a few microseconds a value; this a few dozen nanoseconds.
 */
public final class IsoDateTimes {
    private static final DateTimeFormatter SQL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
    /** The instants of years 1000 to 9999, which are written by hand. */
    private static final long FIRST_FOUR_DIGIT_SECOND = LocalDateTime.of(1000, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long LAST_FOUR_DIGIT_SECOND = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    private IsoDateTimes() {
    }

    /** {@link Instant#parse} of an ISO-8601 instant ({@code 2024-02-29T10:15:30.123456Z}). */
    public static Instant parseInstant(String text) {
        int n = text.length();
        if (n >= 20 && text.charAt(n - 1) == 'Z') {
            LocalDateTime t = fields(text, n - 1, true);
            if (t != null) {
                return t.toInstant(ZoneOffset.UTC);
            }
        }
        return Instant.parse(text);
    }

    /** {@link LocalDateTime#parse} of an ISO-8601 local date-time ({@code 2024-02-29T10:15}, {@code …:30.5}). */
    public static LocalDateTime parseLocalDateTime(String text) {
        LocalDateTime t = fields(text, text.length(), false);
        return t != null ? t : LocalDateTime.parse(text);
    }

    /** The instant at UTC as {@code uuuu-MM-dd HH:mm:ss.SSSSSS} (fraction truncated to microseconds). */
    public static String sqlText(Instant value) {
        return sqlText(LocalDateTime.ofEpochSecond(value.getEpochSecond(), value.getNano(), ZoneOffset.UTC));
    }

    /** The date-time as {@code uuuu-MM-dd HH:mm:ss.SSSSSS} (fraction truncated to microseconds). */
    public static String sqlText(LocalDateTime t) {
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return SQL.format(t);
        }
        char[] c = new char[26];
        dateAndMinute(c, t, ' ');
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1000, 6);
        return new String(c);
    }

    /** {@link Instant#toString()}: {@code uuuu-MM-ddTHH:mm:ssZ} with 0, 3, 6 or 9 fraction digits, as few as the value needs. */
    public static String isoText(Instant value) {
        long s = value.getEpochSecond();
        return s < FIRST_FOUR_DIGIT_SECOND || s > LAST_FOUR_DIGIT_SECOND ? value.toString()
                : iso(LocalDateTime.ofEpochSecond(s, value.getNano(), ZoneOffset.UTC), true, "Z");
    }

    /** {@link LocalDateTime#toString()}: {@code uuuu-MM-ddTHH:mm}, then {@code :ss} and 3, 6 or 9 fraction digits where not zero. */
    public static String isoText(LocalDateTime value) {
        return value.getYear() < 1000 || value.getYear() > 9999 ? value.toString() : iso(value, false, "");
    }

    private static String iso(LocalDateTime t, boolean seconds, String suffix) {
        int nano = t.getNano();
        int fraction = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
        boolean withSeconds = seconds || t.getSecond() != 0 || nano != 0;
        char[] c = new char[16 + (withSeconds ? 3 : 0) + (fraction > 0 ? fraction + 1 : 0) + suffix.length()];
        dateAndMinute(c, t, 'T');
        int at = 16;
        if (withSeconds) {
            c[at] = ':';
            digits(c, at + 1, t.getSecond(), 2);
            at += 3;
        }
        if (fraction > 0) {
            c[at] = '.';
            digits(c, at + 1, fraction == 3 ? nano / 1_000_000 : fraction == 6 ? nano / 1000 : nano, fraction);
            at += fraction + 1;
        }
        suffix.getChars(0, suffix.length(), c, at);
        return new String(c);
    }

    /** {@code uuuu-MM-dd<separator>HH:mm} of a four-digit year into {@code c[0, 16)}. */
    private static void dateAndMinute(char[] c, LocalDateTime t, char separator) {
        digits(c, 0, t.getYear(), 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = separator;
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * The date-time in {@code text[0, end)} when it has the usual form — {@code yyyy-MM-ddTHH:mm},
     * then {@code :ss} (required with {@code seconds}), then {@code .} and 1 to 9 digits — and valid
     * values; else null (the caller's parser decides, and explains a bad text).
     */
    private static LocalDateTime fields(String text, int end, boolean seconds) {
        if (end < 16 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':') {
            return null;
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = 0;
        int nano = 0;
        int at = 16;
        if (at < end) {
            if (text.charAt(at) != ':' || end < at + 3) {
                return null;
            }
            second = number(text, at + 1, 2);
            at += 3;
            if (at < end) {
                int digits = end - at - 1;
                if (text.charAt(at) != '.' || digits < 1 || digits > 9) {
                    return null;
                }
                int fraction = number(text, at + 1, digits);
                if (fraction < 0) {
                    return null;
                }
                for (int i = digits; i < 9; i++) {
                    fraction *= 10;
                }
                nano = fraction;
            }
        } else if (seconds) {
            return null;
        }
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nano);
        } catch (DateTimeException invalidDate) {
            return null;
        }
    }

    /** The decimal number of {@code width} ASCII digits at {@code at}, or -1. */
    private static int number(String text, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }
}
