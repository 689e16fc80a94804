package io.kvframework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** The one definition of a valid value: what the model accepts is what both databases store exactly. */
class ColumnLimitsTest {
    record Row(String id, String name, String note, BigDecimal amount, BigDecimal money, Double ratio, Instant at, LocalDate day,
            LocalDateTime time, long version) {
    }

    static final Column<Row, String> ID = Column.builder("id", String.class, Row::id).nullable(false).build();
    static final Column<Row, String> NAME = Column.builder("name", String.class, Row::name).build();
    static final Column<Row, String> NOTE = Column.builder("note", String.class, Row::note).build();
    static final Column<Row, BigDecimal> AMOUNT = Column.builder("amount", BigDecimal.class, Row::amount).build();
    static final Column<Row, BigDecimal> MONEY = Column.builder("money", BigDecimal.class, Row::money).precision(12).scale(2).build();
    static final Column<Row, Double> RATIO = Column.builder("ratio", Double.class, Row::ratio).build();
    static final Column<Row, Instant> AT = Column.builder("at", Instant.class, Row::at).build();
    static final Column<Row, LocalDate> DAY = Column.builder("day", LocalDate.class, Row::day).build();
    static final Column<Row, LocalDateTime> TIME = Column.builder("time", LocalDateTime.class, Row::time).build();
    static final EntityModel<Row> MODEL = EntityModel.builder(Row.class, "rows").columns(ID, NAME, NOTE, AMOUNT, MONEY, RATIO, AT, DAY, TIME)
            .key(ID).index("by_name", NAME).versionOf(Row::version)
            .factory(r -> new Row(r.get(ID), r.get(NAME), r.get(NOTE), r.get(AMOUNT), r.get(MONEY), r.get(RATIO), r.get(AT), r.get(DAY),
                    r.get(TIME), r.version())).build();

    @Test
    void keyAndIndexStringsGetADefaultLengthCountedInCharacters() {
        assertThat(ID.maxLength()).isEqualTo(Column.DEFAULT_INDEXED_LENGTH);
        assertThat(NAME.maxLength()).isEqualTo(Column.DEFAULT_INDEXED_LENGTH);
        assertThat(NOTE.maxLength()).isEqualTo(-1);
        ID.check("x".repeat(255));
        ID.check("😀".repeat(255)); // 510 UTF-16 units, 255 characters
        assertThatThrownBy(() -> ID.check("x".repeat(256))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("rows.id").hasMessageContaining("256").hasMessageContaining("maxLength 255");
        assertThatThrownBy(() -> NAME.check("y".repeat(300))).isInstanceOf(InvalidValueException.class).hasMessageContaining("rows.name");
        NOTE.check("z".repeat(100_000));
    }

    @Test
    void decimalsAreRefusedRatherThanRounded() {
        assertThatThrownBy(() -> AMOUNT.check(new BigDecimal("1e40"))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("41 integer digits");
        AMOUNT.check(new BigDecimal("9".repeat(35)));
        AMOUNT.check(new BigDecimal("0." + "0".repeat(29) + "1"));
        assertThatThrownBy(() -> AMOUNT.check(new BigDecimal("0." + "0".repeat(30) + "1"))).isInstanceOf(InvalidValueException.class);
        assertThat(AMOUNT.normalize(new BigDecimal("1E+3"))).isEqualTo(new BigDecimal("1000"));
        assertThat(AMOUNT.normalize(new BigDecimal("0.000"))).isEqualTo(BigDecimal.ZERO);
        MONEY.check(new BigDecimal("1234567890.12"));
        assertThat(MONEY.normalize(new BigDecimal("1.5"))).isEqualTo(new BigDecimal("1.50"));
        assertThatThrownBy(() -> MONEY.check(new BigDecimal("1.005"))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("refused rather than rounded");
        assertThatThrownBy(() -> MONEY.check(new BigDecimal("12345678901"))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("DECIMAL(12,2)");
        assertThatThrownBy(() -> Column.builder("x", BigDecimal.class, Row::amount).precision(10).build())
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("together");
        assertThatThrownBy(() -> Column.builder("x", BigDecimal.class, Row::amount).precision(66).scale(2).build())
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("65");
        assertThatThrownBy(() -> Column.builder("x", String.class, Row::id).precision(10).scale(2).build())
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("BigDecimal");
    }

    @Test
    void doublesAndTimesOutsideWhatBothDatabasesStoreAreRefused() {
        for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> RATIO.check(d)).isInstanceOf(InvalidValueException.class).hasMessageContaining("rows.ratio");
        }
        RATIO.check(Double.MAX_VALUE);
        AT.check(Column.MIN_INSTANT);
        AT.check(Column.MAX_INSTANT);
        assertThatThrownBy(() -> AT.check(Column.MIN_INSTANT.minusNanos(1000))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> AT.check(Instant.MAX)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> DAY.check(LocalDate.of(999, 12, 31))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> TIME.check(LocalDateTime.of(10000, 1, 1, 0, 0))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void aNewEntityMustHaveVersionZeroAndJsonCannotHoldNul() {
        Row row = new Row("a", null, null, null, null, null, null, null, null, 7);
        assertThatThrownBy(() -> MODEL.validateNew(row)).isInstanceOf(InvalidValueException.class).hasMessageContaining("version 0, got 7");
        assertThat(MODEL.validate(row)).hasSize(9);
        Column<Row, java.util.Map> json = Column.<Row, java.util.Map>builder("json", java.util.Map.class, r -> null)
                .json(java.util.Map.class).build();
        assertThatThrownBy(() -> json.encode(java.util.Map.of("k", "a\u0000b"))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("NUL");
    }

    @Test
    void aKeyOrIndexThatNoDatabaseCanIndexIsRefusedAtModelBuild() {
        record Wide(String a, String b, String c) {
        }
        Column<Wide, String> a = Column.builder("a", String.class, Wide::a).nullable(false).build();
        Column<Wide, String> b = Column.builder("b", String.class, Wide::b).nullable(false).build();
        Column<Wide, String> c = Column.builder("c", String.class, Wide::c).nullable(false).build();
        assertThatThrownBy(() -> EntityModel.builder(Wide.class, "wide").columns(a, b, c).key(a, b, c).factory(r -> null).build())
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("primary key may take 3066 bytes");
    }
}
