package io.kvframework.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.Column;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoDateTimesTest {
    private static final DateTimeFormatter SQL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    private static List<Instant> instants() {
        List<Instant> all = new ArrayList<>(List.of(Column.MIN_INSTANT, Column.MAX_INSTANT, Instant.EPOCH, Instant.EPOCH.minusNanos(1),
                Instant.parse("2024-02-29T23:59:59.999999999Z"), Instant.parse("2000-01-01T00:00:00.000001Z"),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("1969-12-31T23:59:59.5Z"), Instant.parse("1900-03-01T12:00:00.120Z")));
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(Column.MIN_INSTANT.getEpochSecond(), Column.MAX_INSTANT.getEpochSecond()),
                    random.nextInt(1_000_000_000));
            // every precision Instant.toString writes: seconds, millis, micros, nanos
            all.add(t);
            all.add(t.truncatedTo(ChronoUnit.SECONDS));
            all.add(t.truncatedTo(ChronoUnit.MILLIS));
            all.add(t.truncatedTo(ChronoUnit.MICROS));
        }
        return all;
    }

    @Test
    void instantsReadAsInstantParseReadsThem() {
        for (Instant t : instants()) {
            String text = t.toString();
            assertThat(IsoDateTimes.parseInstant(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void localDateTimesReadAsLocalDateTimeParseReadsThem() {
        for (Instant t : instants()) {
            LocalDateTime local = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
            String text = local.toString();
            assertThat(IsoDateTimes.parseLocalDateTime(text)).as(text).isEqualTo(LocalDateTime.parse(text));
        }
        // toString leaves out zero seconds: 2024-01-01T10:15
        assertThat(IsoDateTimes.parseLocalDateTime("2024-01-01T10:15")).isEqualTo(LocalDateTime.of(2024, 1, 1, 10, 15));
    }

    @Test
    void isoTextIsToString() {
        for (Instant t : instants()) {
            assertThat(IsoDateTimes.isoText(t)).isEqualTo(t.toString());
            LocalDateTime local = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
            assertThat(IsoDateTimes.isoText(local)).isEqualTo(local.toString());
            // zero seconds with and without a fraction: LocalDateTime leaves the seconds out only when both are zero
            LocalDateTime minute = local.withSecond(0).withNano(0);
            assertThat(IsoDateTimes.isoText(minute)).isEqualTo(minute.toString()).hasSize(16);
            assertThat(IsoDateTimes.isoText(minute.withNano(1000))).isEqualTo(minute.withNano(1000).toString());
        }
        // outside four-digit years the JDK writes them (a sign, more digits)
        for (Instant t : List.of(Instant.MIN, Instant.MAX, Instant.parse("0999-12-31T23:59:59.5Z"), Instant.parse("+10000-01-01T00:00:00Z"))) {
            assertThat(IsoDateTimes.isoText(t)).isEqualTo(t.toString());
        }
        for (LocalDateTime t : List.of(LocalDateTime.MIN, LocalDateTime.MAX, LocalDateTime.parse("0999-12-31T23:59:59.5"),
                LocalDateTime.parse("+10000-01-01T00:00"))) {
            assertThat(IsoDateTimes.isoText(t)).isEqualTo(t.toString());
        }
    }

    @Test
    void sqlTextIsTheFormattersText() {
        for (Instant t : instants()) {
            LocalDateTime local = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
            assertThat(IsoDateTimes.sqlText(t)).as(t.toString()).isEqualTo(SQL.format(t.atOffset(ZoneOffset.UTC)));
            assertThat(IsoDateTimes.sqlText(local)).isEqualTo(SQL.format(local));
        }
        // outside four-digit years the formatter writes them
        Instant far = Instant.parse("+10000-01-01T00:00:00Z");
        assertThat(IsoDateTimes.sqlText(far)).isEqualTo(SQL.format(far.atOffset(ZoneOffset.UTC)));
        LocalDateTime bc = LocalDateTime.of(-1, 1, 1, 0, 0);
        assertThat(IsoDateTimes.sqlText(bc)).isEqualTo(SQL.format(bc));
    }

    @Test
    void otherFormsGoToTheJdkParsers() {
        // accepted by the JDK in forms the fast path leaves to it
        for (String text : List.of("+10000-01-01T00:00:00Z", "2024-01-01T10:15:30+01:00", "2024-06-30T23:59:60Z", "2024-01-01T10:15:30.Z",
                "2024-01-01T24:00:00Z", "2024-01-01t10:15:30z")) {
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeException e) {
                assertThatThrownBy(() -> IsoDateTimes.parseInstant(text)).isInstanceOf(DateTimeException.class);
                continue;
            }
            assertThat(IsoDateTimes.parseInstant(text)).as(text).isEqualTo(expected);
        }
        // refused with the JDK's explanation
        for (String text : List.of("", "2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T10:60:00Z",
                "2024-01-01T10:15Z", "2024-01-01 10:15:30Z", "2024-01-01T10:15:30.1234567890Z", "2O24-01-01T10:15:30Z",
                "2024-01-01T10:15:3aZ", "2024-01-01T-1:15:30Z", "2024-01-01T10:15:30")) {
            assertThatThrownBy(() -> IsoDateTimes.parseInstant(text)).as(text).isInstanceOf(DateTimeException.class);
        }
        for (String text : List.of("2024-02-30T00:00", "2024-01-01T10:15:", "2024-01-01T10", "2024-01-01T10:15:30Z")) {
            assertThatThrownBy(() -> IsoDateTimes.parseLocalDateTime(text)).as(text).isInstanceOf(DateTimeException.class);
        }
        // the JDK accepts a decimal point without digits; so does this, through it
        assertThat(IsoDateTimes.parseLocalDateTime("2024-01-01T10:15:30.")).isEqualTo(LocalDateTime.parse("2024-01-01T10:15:30."));
    }
}
