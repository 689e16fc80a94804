package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.KvOptions;
import io.kvframework.stream.HealthState;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.MariaDb;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Values at the edges of what each database stores: every value is written with createWithKV,
 * drained by the real drainer, evicted from Redis, and read back from the database. Each is either
 * refused at write time with {@link InvalidValueException}, or read back equal ({@code equals}, so a
 * decimal's scale counts) to what createWithKV returned — and nothing is dead-lettered.
 */
@KvTest
class RoundTripCorpusIT {

    /** One column of every kind; every value case sets one of them. */
    record Edge(String id, String text, String tag, Integer i, Long l, Short sh, Boolean b, Double d, BigDecimal dec, BigDecimal money,
            Instant at, LocalDate day, LocalDateTime time, byte[] bytes, Map<String, String> json, long version) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Edge e && id.equals(e.id) && Objects.equals(text, e.text) && Objects.equals(tag, e.tag)
                    && Objects.equals(i, e.i) && Objects.equals(l, e.l) && Objects.equals(sh, e.sh) && Objects.equals(b, e.b)
                    && Objects.equals(d, e.d) && Objects.equals(dec, e.dec) && Objects.equals(money, e.money) && Objects.equals(at, e.at)
                    && Objects.equals(day, e.day) && Objects.equals(time, e.time) && Arrays.equals(bytes, e.bytes)
                    && Objects.equals(json, e.json);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }

        @Override
        public String toString() {
            String t = text == null ? "null" : text.length() > 40 ? text.substring(0, 40) + "...(" + text.length() + ")" : text;
            return "Edge[" + id + ", text=" + t + ", tag=" + tag + ", i=" + i + ", l=" + l + ", sh=" + sh + ", b=" + b + ", d=" + d
                    + ", dec=" + dec + ", money=" + money + ", at=" + at + ", day=" + day + ", time=" + time + ", bytes="
                    + (bytes == null ? null : bytes.length) + ", json=" + json + "]";
        }
    }

    static final Column<Edge, String> ID = Column.builder("id", String.class, Edge::id).nullable(false).build();
    static final Column<Edge, String> TEXT = Column.builder("text", String.class, Edge::text).build();
    static final Column<Edge, String> TAG = Column.builder("tag", String.class, Edge::tag).build();
    static final Column<Edge, Integer> I = Column.builder("i", Integer.class, Edge::i).build();
    static final Column<Edge, Long> L = Column.builder("l", Long.class, Edge::l).build();
    static final Column<Edge, Short> SH = Column.builder("sh", Short.class, Edge::sh).build();
    static final Column<Edge, Boolean> B = Column.builder("b", Boolean.class, Edge::b).build();
    static final Column<Edge, Double> D = Column.builder("d", Double.class, Edge::d).build();
    static final Column<Edge, BigDecimal> DEC = Column.builder("dec", BigDecimal.class, Edge::dec).build();
    static final Column<Edge, BigDecimal> MONEY = Column.builder("money", BigDecimal.class, Edge::money).precision(12).scale(2).build();
    static final Column<Edge, Instant> AT = Column.builder("at", Instant.class, Edge::at).build();
    static final Column<Edge, LocalDate> DAY = Column.builder("day", LocalDate.class, Edge::day).build();
    static final Column<Edge, LocalDateTime> TIME = Column.builder("time", LocalDateTime.class, Edge::time).build();
    static final Column<Edge, byte[]> BYTES = Column.builder("bytes", byte[].class, Edge::bytes).build();
    @SuppressWarnings("unchecked")
    static final Column<Edge, Map<String, String>> JSON = Column.<Edge, Map<String, String>>builder("json",
                    (Class<Map<String, String>>) (Class<?>) Map.class, Edge::json)
            .json(new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { }.getType()).build();
    static final EntityModel<Edge> MODEL = EntityModel.builder(Edge.class, "edges")
            .columns(ID, TEXT, TAG, I, L, SH, B, D, DEC, MONEY, AT, DAY, TIME, BYTES, JSON).key(ID).index("by_tag", TAG)
            .versionOf(Edge::version)
            .factory(r -> new Edge(r.get(ID), r.get(TEXT), r.get(TAG), r.get(I), r.get(L), r.get(SH), r.get(B), r.get(D), r.get(DEC),
                    r.get(MONEY), r.get(AT), r.get(DAY), r.get(TIME), r.get(BYTES), r.get(JSON), r.version()))
            .build();

    /** A value case: its name, the row it writes, and whether the model must refuse it. */
    record Case(String name, Edge row, boolean refused) {
    }

    private static Edge with(String id, Function<Edge, Edge> set) {
        return set.apply(new Edge(id, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 0));
    }

    private static Edge text(String id, String v) {
        return with(id, e -> new Edge(id, v, null, null, null, null, null, null, null, null, null, null, null, null, null, 0));
    }

    private static Edge tag(String id, String v) {
        return with(id, e -> new Edge(id, null, v, null, null, null, null, null, null, null, null, null, null, null, null, 0));
    }

    private static Edge nums(String id, Integer i, Long l, Short sh, Double d) {
        return new Edge(id, null, null, i, l, sh, null, d, null, null, null, null, null, null, null, 0);
    }

    private static Edge dec(String id, String dec, String money) {
        return new Edge(id, null, null, null, null, null, null, null, dec == null ? null : new BigDecimal(dec),
                money == null ? null : new BigDecimal(money), null, null, null, null, null, 0);
    }

    private static Edge time(String id, Instant at, LocalDate day, LocalDateTime time) {
        return new Edge(id, null, null, null, null, null, true, null, null, null, at, day, time, null, null, 0);
    }

    private static Edge blob(String id, byte[] bytes, Map<String, String> json) {
        return new Edge(id, null, null, null, null, null, false, null, null, null, null, null, null, bytes, json, 0);
    }

    static List<Case> corpus() {
        List<Case> c = new ArrayList<>();
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        // strings and keys
        c.add(new Case("empty string", text("s-empty", ""), false));
        c.add(new Case("spaces around", text("s-spaces", "  padded  "), false));
        c.add(new Case("4-byte UTF-8", text("s-emoji", "emoji 😀 𝄞 and 中文"), false));
        c.add(new Case("control characters", text("s-control", "tab\tnewline\nreturn\r\u0001\u001f"), false));
        c.add(new Case("100,000 characters", text("s-long", "x".repeat(100_000)), false));
        c.add(new Case("NUL character", text("s-nul", "a\u0000b"), true));
        c.add(new Case("unpaired surrogate", text("s-surrogate", "a\ud800b"), true));
        c.add(new Case("key of 255 characters", text("k".repeat(255), "max key"), false));
        c.add(new Case("key of 255 4-byte characters", text("😀".repeat(255), "max 4-byte key"), false));
        c.add(new Case("key of 256 characters", text("k".repeat(256), "too long"), true));
        c.add(new Case("key 'Case'", text("Case", "upper"), false));
        c.add(new Case("key 'case'", text("case", "lower"), false));
        c.add(new Case("key 'case ' (trailing space)", text("case ", "trailing space"), false));
        c.add(new Case("key with : { } % and spaces", text("a:b {c} %20 d", "separators"), false));
        c.add(new Case("indexed string of 255 characters", tag("t-255", "t".repeat(255)), false));
        c.add(new Case("indexed string of 300 characters", tag("t-300", "t".repeat(300)), true));
        // numbers
        c.add(new Case("int, long, short minimum", nums("n-min", Integer.MIN_VALUE, Long.MIN_VALUE, Short.MIN_VALUE, -Double.MAX_VALUE), false));
        c.add(new Case("int, long, short maximum", nums("n-max", Integer.MAX_VALUE, Long.MAX_VALUE, Short.MAX_VALUE, Double.MAX_VALUE), false));
        c.add(new Case("double smallest normal", nums("d-min-normal", 0, 0L, (short) 0, Double.MIN_NORMAL), false));
        c.add(new Case("double 0.1 + 0.2", nums("d-sum", 1, 1L, (short) 1, 0.1 + 0.2), false));
        c.add(new Case("double -0.0", nums("d-neg-zero", 1, 1L, (short) 1, -0.0), false));
        c.add(new Case("double NaN", nums("d-nan", 1, 1L, (short) 1, Double.NaN), true));
        c.add(new Case("double +infinity", nums("d-inf", 1, 1L, (short) 1, Double.POSITIVE_INFINITY), true));
        c.add(new Case("double -infinity", nums("d-ninf", 1, 1L, (short) 1, Double.NEGATIVE_INFINITY), true));
        c.add(new Case("decimal 35 integer digits", dec("m-35", "9".repeat(35), null), false));
        c.add(new Case("decimal 1e40", dec("m-1e40", "1e40", null), true));
        c.add(new Case("decimal 30 decimals", dec("m-30", "-0." + "0".repeat(29) + "1", null), false));
        c.add(new Case("decimal 31 decimals", dec("m-31", "0." + "0".repeat(30) + "1", null), true));
        c.add(new Case("decimal 12 decimals", dec("m-12", "3.141592653589", null), false));
        c.add(new Case("decimal 1.50 (trailing zero)", dec("m-150", "1.50", null), false));
        c.add(new Case("decimal 1E+3", dec("m-1e3", "1E+3", null), false));
        c.add(new Case("decimal(12,2) 1234567890.12", dec("m-money", null, "1234567890.12"), false));
        c.add(new Case("decimal(12,2) 1.5", dec("m-money-scale", null, "1.5"), false));
        c.add(new Case("decimal(12,2) 1.005", dec("m-money-round", null, "1.005"), true));
        c.add(new Case("decimal(12,2) 11 integer digits", dec("m-money-big", null, "12345678901"), true));
        // times
        c.add(new Case("earliest instant, date, date-time", time("t-min", Column.MIN_INSTANT, Column.MIN_DATE, Column.MIN_DATE.atStartOfDay()),
                false));
        c.add(new Case("latest instant, date, date-time", time("t-max", Column.MAX_INSTANT, Column.MAX_DATE,
                LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)), false));
        c.add(new Case("instant past 2038", time("t-2038", Instant.parse("2038-01-19T03:14:08Z"), null, null), false));
        c.add(new Case("instant before 1970", time("t-1969", Instant.parse("1969-12-31T23:59:59.999999Z"), null, null), false));
        c.add(new Case("instant whose UTC fields are in a DST gap", time("t-utc-gap", Instant.parse("2026-03-29T02:30:00Z"), null, null),
                false));
        c.add(new Case("instant with nanoseconds", time("t-nanos", Instant.parse("2026-03-29T01:30:00.123456789Z"), null, null), false));
        c.add(new Case("date-time in a DST gap", time("t-gap", null, LocalDate.of(1582, 10, 10), LocalDateTime.of(2026, 3, 29, 2, 30)),
                false));
        c.add(new Case("instant before year 1000", time("t-999", Instant.parse("0999-12-31T23:59:59Z"), null, null), true));
        c.add(new Case("instant after year 9999", time("t-10000", Instant.parse("+10000-01-01T00:00:00Z"), null, null), true));
        c.add(new Case("date before year 1000", time("t-day-999", null, LocalDate.of(999, 1, 1), null), true));
        // bytes and JSON
        c.add(new Case("empty bytes", blob("b-empty", new byte[0], Map.of()), false));
        c.add(new Case("every byte value", blob("b-every", every, Map.of("k", "v \"quoted\" 😀", "", "empty key")), false));
        c.add(new Case("JSON with NUL", blob("b-json-nul", null, Map.of("k", "a\u0000b")), true));
        return c;
    }

    @Test
    void postgres(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        roundTrip(redis, db, ns, "PostgreSQL");
    }

    @Test
    void mariadb(RedisServer redis, @MariaDb DataSource db, TestNamespace ns) throws Exception {
        roundTrip(redis, db, ns, "MariaDB");
    }

    /** The JVM's zone must not matter: Europe/Berlin has a daylight-saving gap on 2026-03-29 02:00-03:00. */
    @Test
    void postgresInAZoneWithDaylightSaving(RedisServer redis, DataSource db, TestNamespace ns) throws Exception {
        inZone("Europe/Berlin", () -> roundTrip(redis, db, ns, "PostgreSQL (JVM in Europe/Berlin)"));
    }

    @Test
    void mariadbInAZoneWithDaylightSaving(RedisServer redis, @MariaDb DataSource db, TestNamespace ns) throws Exception {
        inZone("Europe/Berlin", () -> roundTrip(redis, db, ns, "MariaDB (JVM in Europe/Berlin)"));
    }

    interface Body {
        void run() throws Exception;
    }

    private static void inZone(String zone, Body body) throws Exception {
        java.util.TimeZone before = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone(zone));
        try {
            body.run();
        } finally {
            java.util.TimeZone.setDefault(before);
        }
    }

    private void roundTrip(RedisServer redis, DataSource db, TestNamespace ns, String dialect) throws Exception {
        KvOptions options = KvOptions.builder().namespace(ns.value()).shards(4).defaultTtl(Duration.ofMillis(300)).build();
        RedisClient raw = RedisClient.create(redis.redisUri());
        try (KvClient kv = KvClient.builder().redis(redis.redisUri()).dataSource(db).options(options).build();
                StatefulRedisConnection<String, String> conn = raw.connect();
                Drainer drainer = Drainer.builder(kv).models(MODEL).createTables(true)
                        .engineOptions(DrainerFixture.fastEngine("corpus").build()).build().start()) {
            KvRepository<Edge> repo = kv.repository(MODEL);
            Map<Case, Edge> stored = new LinkedHashMap<>();
            List<String> refused = new ArrayList<>();
            for (Case c : corpus()) {
                try {
                    Edge written = repo.createWithKV(c.row());
                    assertThat(c.refused()).as("%s: %s accepted a value the model must refuse", dialect, c.name()).isFalse();
                    stored.put(c, written);
                } catch (InvalidValueException e) {
                    assertThat(c.refused()).as("%s: %s refused: %s", dialect, c.name(), e.getMessage()).isTrue();
                    if (c.row().id().length() <= 255) {
                        assertThat(repo.findOneWithKV(ID.eq(c.row().id()))).as(c.name() + " left no trace").isEmpty();
                    } else {
                        // a key the model refuses cannot even be asked for
                        assertThatThrownBy(() -> repo.findOneWithKV(ID.eq(c.row().id()))).isInstanceOf(InvalidValueException.class);
                    }
                    refused.add(c.name());
                }
            }
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));
            // every row leaves Redis after its TTL: the next read comes from the database
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (Edge e : stored.values()) {
                String pk = KvKeys.primaryKey(MODEL, MODEL.values(e));
                String key = kv.keys().rowKey(kv.keys().shard(MODEL.table(), pk), MODEL.table(), pk);
                while (conn.sync().exists(key) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(conn.sync().exists(key)).as("%s evicted", e.id()).isZero();
            }
            int equalToInput = 0;
            List<String> differences = new ArrayList<>();
            for (Map.Entry<Case, Edge> e : stored.entrySet()) {
                Edge read = repo.findOneWithKV(ID.eq(e.getValue().id())).orElse(null);
                if (!e.getValue().equals(read)) {
                    differences.add(e.getKey().name() + ": wrote " + e.getValue() + ", read " + read);
                } else if (read.equals(e.getKey().row())) {
                    equalToInput++;
                }
            }
            assertThat(differences).as("%s: values read back from the database that differ from what createWithKV returned", dialect)
                    .isEmpty();
            assertThat(drainer.deadLetters().count()).as("dead letters").isZero();
            assertThat(drainer.health()).isEqualTo(HealthState.OK);
            System.out.printf("round-trip corpus %s: %d values, %d refused at write time, %d stored and read back equal after eviction"
                    + " (%d equal to the input, the rest normalised as documented: decimal scale, microseconds), 0 dead letters%n",
                    dialect, corpus().size(), refused.size(), stored.size(), equalToInput);
        } finally {
            raw.shutdown();
        }
    }
}
