package io.kvframework.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * What a column accepts: its Java type, lengths in code points, decimals without rounding, dates
 * and times both databases store, text without NUL or unpaired surrogates. The one definition of
 * a valid value, applied when a write enters the library.
 */
final class ValueLimits {
    private ValueLimits() {
    }

    static void check(Column<?, ?> c, Object value) {
        if (!c.javaType().isInstance(value)) {
            throw new InvalidValueException(c.qualified() + ": expected " + c.javaType().getSimpleName() + " but got "
                    + value.getClass().getSimpleName());
        }
        switch (c.type()) {
            case STRING -> {
                String text = (String) value;
                checkText(c, text);
                if (c.maxLength() >= 0 && text.length() > c.maxLength()) {
                    int characters = text.codePointCount(0, text.length());
                    if (characters > c.maxLength()) {
                        throw new InvalidValueException(c.qualified() + ": value of length " + characters + " exceeds maxLength " + c.maxLength()
                                + (c.declaredLength() < 0 ? " (the default for a String in a key or index; declare @Column(maxLength = ...))" : ""));
                    }
                }
            }
            case BYTES -> {
                int length = ((byte[]) value).length;
                if (c.maxLength() >= 0 && length > c.maxLength()) {
                    throw new InvalidValueException(c.qualified() + ": value of length " + length + " exceeds maxLength " + c.maxLength());
                }
            }
            case DOUBLE -> {
                double d = (Double) value;
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new InvalidValueException(c.qualified() + ": " + d + " cannot be stored (MariaDB's DOUBLE has no NaN or infinity)");
                }
            }
            case DECIMAL -> checkDecimal(c, (BigDecimal) value);
            case INSTANT -> checkRange(c, value, ((Instant) value).isBefore(Column.MIN_INSTANT) || ((Instant) value).isAfter(Column.MAX_INSTANT),
                    Column.MIN_INSTANT, Column.MAX_INSTANT);
            case LOCAL_DATE -> checkRange(c, value, ((LocalDate) value).isBefore(Column.MIN_DATE) || ((LocalDate) value).isAfter(Column.MAX_DATE),
                    Column.MIN_DATE, Column.MAX_DATE);
            case LOCAL_DATE_TIME -> {
                LocalDateTime t = (LocalDateTime) value;
                LocalDateTime min = Column.MIN_DATE.atStartOfDay();
                LocalDateTime max = LocalDateTime.ofInstant(Column.MAX_INSTANT, ZoneOffset.UTC);
                checkRange(c, value, t.isBefore(min) || t.isAfter(max), min, max);
            }
            default -> {
            }
        }
    }

    private static void checkRange(Column<?, ?> c, Object value, boolean outside, Object min, Object max) {
        if (outside) {
            throw new InvalidValueException(c.qualified() + ": " + value + " is outside what the databases store (" + min + " to " + max + ")");
        }
    }

    /** A decimal fits when its canonical form needs no rounding and has no more digits than the column holds. */
    private static void checkDecimal(Column<?, ?> c, BigDecimal value) {
        BigDecimal canonical;
        try {
            canonical = canonical(value, c.scale());
        } catch (ArithmeticException e) {
            throw new InvalidValueException(c.qualified() + ": " + value.toPlainString() + " has " + value.scale() + " decimals, the column keeps "
                    + c.scale() + "; refused rather than rounded");
        }
        int decimals = canonical.scale();
        int integerDigits = Math.max(0, canonical.precision() - decimals);
        int maxInteger = c.precision() >= 0 ? c.precision() - c.scale() : Column.UNDECLARED_INTEGER_DIGITS;
        int maxDecimals = c.scale() >= 0 ? c.scale() : Column.MAX_SCALE;
        if (integerDigits > maxInteger || decimals > maxDecimals) {
            String declared = c.precision() >= 0 ? "DECIMAL(" + c.precision() + "," + c.scale() + ")"
                    : "an undeclared precision (up to " + Column.UNDECLARED_INTEGER_DIGITS + " integer digits and " + Column.MAX_SCALE
                            + " decimals; declare @Column(precision, scale))";
            throw new InvalidValueException(c.qualified() + ": " + value.toPlainString() + " has " + integerDigits + " integer digits and "
                    + decimals + " decimals, more than " + declared + " holds");
        }
    }

    /**
     * The stored form of a decimal: with the declared scale (throws {@link ArithmeticException} when
     * that would round), or without trailing zeros and with a scale of at least 0 when undeclared.
     */
    static BigDecimal canonical(BigDecimal value, int scale) {
        if (scale >= 0) {
            return value.setScale(scale, RoundingMode.UNNECESSARY);
        }
        if (value.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /**
     * Refuses text that cannot be stored as it is everywhere the row goes: a NUL character
     * (PostgreSQL rejects it) and unpaired surrogates (not Unicode; UTF-8 encoding would silently
     * replace them).
     */
    static void checkText(Column<?, ?> column, String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\u0000') {
                throw new InvalidValueException(column.qualified() + ": value contains a NUL character (U+0000) at index " + i
                        + ", which PostgreSQL cannot store");
            }
            if (Character.isSurrogate(ch)) {
                boolean paired = Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    throw new InvalidValueException(column.qualified() + ": value contains an unpaired surrogate (U+"
                            + Integer.toHexString(ch).toUpperCase(Locale.ROOT) + ") at index " + i + ": not valid Unicode");
                }
                i++;
            }
        }
    }
}
