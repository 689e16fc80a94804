package io.kvframework.redis;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Test entity with every column type, all nullable except the key. */
public record Everything(UUID id, String s, Integer i, Long l, Short sh, Boolean b, Double d, BigDecimal dec, Instant at,
        LocalDate date, LocalDateTime dateTime, Kind kind, byte[] bytes, Payload json) {

    public enum Kind { SMALL, LARGE }

    /** A JSON column value. */
    public record Payload(String name, List<Integer> numbers, Map<String, String> tags) {
    }

    public static final Column<Everything, UUID> ID = Column.builder("id", UUID.class, Everything::id).nullable(false).build();
    public static final Column<Everything, String> S = Column.builder("s", String.class, Everything::s).build();
    public static final Column<Everything, Integer> I = Column.builder("i", Integer.class, Everything::i).build();
    public static final Column<Everything, Long> L = Column.builder("l", Long.class, Everything::l).build();
    public static final Column<Everything, Short> SH = Column.builder("sh", Short.class, Everything::sh).build();
    public static final Column<Everything, Boolean> B = Column.builder("b", Boolean.class, Everything::b).build();
    public static final Column<Everything, Double> D = Column.builder("d", Double.class, Everything::d).build();
    public static final Column<Everything, BigDecimal> DEC = Column.builder("dec", BigDecimal.class, Everything::dec).build();
    public static final Column<Everything, Instant> AT = Column.builder("at", Instant.class, Everything::at).build();
    public static final Column<Everything, LocalDate> DATE = Column.builder("date", LocalDate.class, Everything::date).build();
    public static final Column<Everything, LocalDateTime> DATE_TIME =
            Column.builder("date_time", LocalDateTime.class, Everything::dateTime).build();
    public static final Column<Everything, Kind> KIND = Column.builder("kind", Kind.class, Everything::kind).build();
    public static final Column<Everything, byte[]> BYTES = Column.builder("bytes", byte[].class, Everything::bytes).build();
    public static final Column<Everything, Payload> JSON = Column.builder("json", Payload.class, Everything::json)
            .json(Payload.class).build();

    public static final EntityModel<Everything> MODEL = EntityModel.builder(Everything.class, "everything")
            .columns(ID, S, I, L, SH, B, D, DEC, AT, DATE, DATE_TIME, KIND, BYTES, JSON)
            .key(ID)
            .index("by_kind_date", KIND, DATE)
            .index("by_at", AT)
            .factory(r -> new Everything(r.get(ID), r.get(S), r.get(I), r.get(L), r.get(SH), r.get(B), r.get(D), r.get(DEC),
                    r.get(AT), r.get(DATE), r.get(DATE_TIME), r.get(KIND), r.get(BYTES), r.get(JSON)))
            .build();

    @Override
    public boolean equals(Object o) {
        return o instanceof Everything e && Objects.equals(id, e.id) && Objects.equals(s, e.s) && Objects.equals(i, e.i)
                && Objects.equals(l, e.l) && Objects.equals(sh, e.sh) && Objects.equals(b, e.b) && Objects.equals(d, e.d)
                && (dec == null ? e.dec == null : e.dec != null && dec.compareTo(e.dec) == 0) && Objects.equals(at, e.at)
                && Objects.equals(date, e.date) && Objects.equals(dateTime, e.dateTime) && kind == e.kind
                && Arrays.equals(bytes, e.bytes) && Objects.equals(json, e.json);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
