package io.kvframework.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvframework.core.KvRepository;
import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.stream.DeadLetters;
import io.kvframework.stream.EngineOptions;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.PostgresServer;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator CLI against a real Redis, PostgreSQL and a running drainer. */
@KvTest
class KvCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    KvClient kv;
    Drainer drainer;
    KvRepository<Item> items;
    List<String> common;
    List<String> jdbc;

    @BeforeEach
    void setUp(RedisServer redis, PostgresServer postgres, IsolatedDatabase db, TestNamespace ns) {
        kv = KvClient.builder().redis(redis.redisUri()).dataSource(db.dataSource())
                .options(KvOptions.builder().namespace(ns.value()).shards(4).build()).build();
        drainer = Drainer.builder(kv).models(Item.MODEL).createTables(true).engineOptions(EngineOptions.builder(Drainer.GROUP)
                .instanceId("d1").pollInterval(Duration.ofMillis(5)).maintenanceInterval(Duration.ofMillis(100)).build()).build().start();
        items = kv.repository(Item.MODEL);
        common = List.of("--redis", redis.redisUri().toString(), "--namespace", ns.value(), "--shards", "4");
        jdbc = List.of("--jdbc", db.jdbcUrl(), "--db-user", postgres.user(), "--db-password", String.valueOf(postgres.password()));
    }

    @AfterEach
    void tearDown() {
        drainer.close();
        kv.close();
    }

    private Result kv(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        return raw(all.toArray(String[]::new));
    }

    private static Result raw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = KvCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void statusDrainAndInspectShowTheDeployment() throws Exception {
        items.createWithKV(new Item("i1", "ann", 1, 0));
        items.createWithKV(new Item("i2", "bob", 2, 0));
        items.updateOneWithKV(Item.QTY.set(5L), Item.ID.eq("i1"));
        items.deleteWithKV(Item.ID.eq("i2"));

        Result drain = kv("drain", "--wait", "--timeout", "PT60S");
        assertThat(drain.code()).as(drain.err()).isZero();
        assertThat(drain.out()).contains("drainer is drained (backlog 0)");

        Result status = kv("status");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("GROUP", "BACKLOG", "OWNER", "d1 (fence").contains("every table is in KV mode");
        JsonNode json = kv("status", "--json").json();
        assertThat(json.get("shards")).hasSize(4);
        for (JsonNode shard : json.get("shards")) {
            assertThat(shard.get("group").asText()).isEqualTo("drainer");
            assertThat(shard.get("backlog").asLong()).isZero();
            assertThat(shard.get("owner").asText()).isEqualTo("d1");
        }

        List<String> args = new ArrayList<>(List.of("inspect", "items", "i1"));
        args.addAll(jdbc);
        Result inspect = kv(args.toArray(String[]::new));
        assertThat(inspect.code()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("version 2", "qty = 5", "database: version 2");
        args.add("--json");
        JsonNode i1 = kv(args.toArray(String[]::new)).json();
        assertThat(i1.at("/redis/version").asText()).isEqualTo("2");
        assertThat(i1.at("/redis/tombstone").asBoolean()).isFalse();
        assertThat(i1.at("/redis/fields/qty").asText()).isEqualTo("5");
        assertThat(i1.at("/database/qty").asText()).isEqualTo("5");
        assertThat(i1.at("/database/version").asText()).isEqualTo("2");
        for (JsonNode e : i1.get("events")) {
            assertThat(e.at("/groups/drainer").asText()).isEqualTo("done");
        }

        JsonNode i2 = kv("inspect", "items", "i2", "--json").json();
        assertThat(i2.at("/redis/tombstone").asBoolean()).isTrue();
        assertThat(i2.get("database").isNull()).isTrue();

        Result nothing = kv("inspect", "items", "nope");
        assertThat(nothing.code()).isEqualTo(KvCli.FAILED);
        assertThat(nothing.out()).contains("absent");
    }

    @Test
    void deadLettersCanBeListedShownReplayedAndDiscarded(RedisServer redis) throws Exception {
        // a foreign entry written straight into a shard's stream: the drainer cannot apply it
        int shard = kv.keys().shard("items", "zz");
        Map<String, String> poison = new LinkedHashMap<>();
        poison.put("table", "items");
        poison.put("op", "c");
        poison.put("key", "zz");
        poison.put("version", "1");
        poison.put("ts", Long.toString(System.currentTimeMillis()));
        poison.put("row", "{\"id\":\"zz\",\"qty\":\"not a number\"}");
        RedisClient client = RedisClient.create(redis.redisUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().xadd(kv.keys().streamKey(shard), poison);
        } finally {
            client.shutdown();
        }
        assertThat(kv("drain", "--wait", "--timeout", "PT60S").code()).isZero();

        Result status = kv("status");
        assertThat(status.out()).contains("DEAD LETTERS", "WARNING: 1 dead letter(s) in group drainer", "pinned in Redis");
        assertThat(kv("status", "--json").json().get("warnings")).hasSize(1);

        JsonNode list = kv("dlq", "list", "--json").json();
        assertThat(list).hasSize(1);
        String id = list.get(0).get("id").asText();
        assertThat(list.get(0).at("/event/key").asText()).isEqualTo("zz");
        Result table = kv("dlq", "list");
        assertThat(table.out()).contains("SHARD", "zz", "items");
        Result show = kv("dlq", "show", Integer.toString(shard), id);
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("error: ", "qty", "row: {\"id\":\"zz\"");

        // replayed before its cause is fixed: processed again, and dead-lettered again under a new id
        Result replay = kv("dlq", "replay", Integer.toString(shard), id);
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("replayed dead letter " + id);
        assertThat(kv("drain", "--wait", "--timeout", "PT60S").code()).isZero();
        List<io.kvframework.stream.DeadLetter> again = new DeadLetters(kv, Drainer.GROUP).list(10);
        assertThat(again).singleElement().satisfies(d -> assertThat(d.id()).isNotEqualTo(id));

        Result discard = kv("dlq", "discard", Integer.toString(shard), again.get(0).id());
        assertThat(discard.code()).isZero();
        assertThat(discard.out()).contains("discarded dead letter " + again.get(0).id(), "dropped change CREATE version 1 of items zz",
                "Redis holds no version of it");
        assertThat(kv("dlq", "list").out()).contains("no dead letters for group drainer");
        Result missing = kv("dlq", "show", Integer.toString(shard), again.get(0).id());
        assertThat(missing.code()).isEqualTo(KvCli.FAILED);
        assertThat(missing.err()).contains("no dead letter " + again.get(0).id());
    }

    @Test
    void modeSwitchesAreCarriedOutByTheRunningDrainer() throws Exception {
        items.createWithKV(new Item("m1", "ann", 1, 0));
        Result toDb = kv("mode", "items", "db", "--timeout", "PT60S");
        assertThat(toDb.code()).as(toDb.out() + toDb.err()).isZero();
        assertThat(toDb.out()).contains("items: db mode");
        assertThat(drainer.mode("items")).isEqualTo("db");
        assertThat(kv("status").out()).contains("items", "db");
        // the row left Redis and is read from the database
        assertThat(items.findOneWithKV(Item.ID.eq("m1"))).isPresent();
        assertThat(kv("inspect", "items", "m1").out()).contains("absent");

        Result toKv = kv("mode", "items", "kv", "--timeout", "PT60S");
        assertThat(toKv.code()).as(toKv.out() + toKv.err()).isZero();
        assertThat(kv("mode", "items", "--json").json().get("mode").asText()).isEqualTo("kv");

        Result unknown = kv("mode", "nosuchtable", "db", "--timeout", "PT60S");
        assertThat(unknown.code()).isEqualTo(KvCli.FAILED);
        assertThat(unknown.out()).contains("switch failed").contains("nosuchtable");
    }

    /** A switch nobody carried out is withdrawn when the command gives up: a drainer started later does not act on it. */
    @Test
    void aModeSwitchThatTimesOutIsWithdrawn() throws Exception {
        items.createWithKV(new Item("w1", "ann", 1, 0));
        drainer.close();
        Result timedOut = kv("mode", "items", "db", "--timeout", "PT1S");
        assertThat(timedOut.code()).isEqualTo(KvCli.FAILED);
        assertThat(timedOut.out()).contains("no drainer took the request", "the request was withdrawn", "items: kv mode");
        items.createWithKV(new Item("w2", "bob", 2, 0));
        int shard = kv.keys().shard("items", "w2");
        assertThat(kv("status").out()).contains("WARNING: group drainer shard " + shard + " is stalled: no owner");
        drainer = Drainer.builder(kv).models(Item.MODEL).createTables(true).engineOptions(EngineOptions.builder(Drainer.GROUP)
                .instanceId("d2").pollInterval(Duration.ofMillis(5)).maintenanceInterval(Duration.ofMillis(100)).build()).build().start();
        assertThat(drainer.awaitDrained(Duration.ofSeconds(30))).isTrue();
        Thread.sleep(1000);
        assertThat(drainer.mode("items")).isEqualTo("kv");
        assertThat(items.findOneWithKV(Item.ID.eq("w1"))).isPresent();
        assertThat(kv("inspect", "items", "w1").out()).doesNotContain("absent");
    }

    @Test
    void errorsAreClearAndExitCodesDistinct() {
        Result unreachable = raw("status", "--redis", "redis://127.0.0.1:1", "--namespace", "x");
        assertThat(unreachable.code()).isEqualTo(KvCli.UNREACHABLE);
        assertThat(unreachable.err()).contains("kv: cannot reach Redis at redis://127.0.0.1:1");

        Result badMode = kv("mode", "items", "sideways");
        assertThat(badMode.code()).isEqualTo(KvCli.FAILED);
        assertThat(badMode.err()).contains("mode must be kv or db, got 'sideways'");

        Result usage = kv("frobnicate");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("frobnicate");

        Result help = raw("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("status", "dlq", "mode", "drain", "inspect", "Exit codes");
    }
}
