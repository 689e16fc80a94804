package io.kvframework.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.stream.DeadLetter;
import io.kvframework.testkit.IsolatedDatabase;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * G5 and G8 for what reaches the stream without going through a repository: corrupted, truncated
 * and foreign entries written straight into the shard streams among good writes. Each one goes to
 * the dead letters with a reason that names the problem; every good write is drained; no shard
 * stalls; nothing of a bad entry reaches the database.
 */
@KvTest
class StreamCorpusIT {
    static final int SHARDS = 4;

    /** One corrupted entry: how it is made from a real create event, and what its dead letter must say. */
    record Case(String name, UnaryOperator<Map<String, String>> corrupt, String reason) {
    }

    static List<Case> corpus() {
        String bigOwner = "o".repeat(101);
        return List.of(
                new Case("foreign entry", e -> Map.of("foreign", "entry"), "not a KV change event"),
                new Case("no key field", e -> without(e, "key"), "no 'key' field"),
                new Case("no row field", e -> without(e, "row"), "no 'row' field"),
                new Case("no op field", e -> without(e, "op"), "no 'op' field"),
                new Case("unknown op", e -> with(e, "op", "x"), "unknown change op 'x'"),
                new Case("version not a number", e -> with(e, "version", "abc"), "not a number"),
                new Case("version zero", e -> with(e, "version", "0"), "versions start at 1"),
                new Case("row not JSON", e -> with(e, "row", "{not json"), "not a JSON object"),
                new Case("row is null", e -> with(e, "row", "null"), "row is null"),
                new Case("row is an array", e -> with(e, "row", "[1,2]"), "not a JSON object"),
                new Case("unknown table", e -> with(e, "table", "no_such_table"), "no_such_table"),
                new Case("unknown column", e -> row(e, "bogus", "1"), "bogus"),
                new Case("balance not a number", e -> row(e, "balance", "lots"), "balance"),
                new Case("owner longer than its column", e -> row(e, "owner", bigOwner), "value too long"),
                new Case("row names another key", e -> row(e, "id", "somebody-else"), "carries the row of key 'somebody-else'"),
                new Case("row without its key column", e -> rowWithout(e, "id"), "key column must not be null"));
    }

    @Test
    void corruptedAndForeignEntriesAreDeadLetteredAndNoShardStalls(RedisServer redis, IsolatedDatabase db, TestNamespace ns)
            throws Exception {
        try (DrainerFixture fx = new DrainerFixture(redis, db.dataSource(), ns, SHARDS, Duration.ofMinutes(10));
                Drainer drainer = fx.drainer("d1").start()) {
            // a real event to corrupt
            fx.accounts.createWithKV(new Account("template", "t", 1));
            int templateShard = fx.kv.keys().shard(Account.MODEL.table(), "template");
            List<StreamMessage<String, String>> real = fx.redis.xrange(fx.kv.keys().streamKey(templateShard), Range.create("-", "+"));
            Map<String, String> template = real.get(real.size() - 1).getBody();
            assertThat(template).containsEntry("key", "template");

            Map<String, String> expected = new TreeMap<>();
            expected.put("template", "t|1|null|1");
            List<Case> corpus = corpus();
            Map<String, Case> byKey = new LinkedHashMap<>();
            for (int i = 0; i < corpus.size(); i++) {
                Account good = fx.accounts.createWithKV(new Account("good-" + i, "o", i));
                expected.put(good.id(), DrainerFixture.row(good));
                String badKey = "bad-" + i;
                Map<String, String> fields = new LinkedHashMap<>(template);
                fields.replace("key", badKey);
                fields.replace("row", fields.get("row").replace("\"template\"", "\"" + badKey + "\""));
                Map<String, String> corrupted = corpus.get(i).corrupt().apply(fields);
                // spread over every shard, each one followed by good writes on the same shard
                fx.redis.xadd(fx.kv.keys().streamKey(i % SHARDS), corrupted);
                byKey.put(corrupted.getOrDefault("key", "") + "#" + i, corpus.get(i));
                Account after = fx.accounts.createWithKV(new Account("after-" + i, "o", i));
                expected.put(after.id(), DrainerFixture.row(after));
            }
            DrainerFixture.assertDrained(drainer.engine(), Duration.ofSeconds(60));

            List<DeadLetter> letters = drainer.deadLetters().list(100);
            List<String> unexplained = new ArrayList<>();
            for (Case c : corpus) {
                boolean found = letters.stream().anyMatch(l -> matches(l, c));
                if (!found) {
                    unexplained.add(c.name() + ": no dead letter whose reason contains '" + c.reason() + "'");
                }
            }
            letters.forEach(l -> System.out.printf("  dead letter (shard %d): %s%n", l.shard(), l.error()));
            System.out.printf("stream corpus: %d corrupted entries among %d good writes, %d dead letters, %d rows in PostgreSQL%n",
                    corpus.size(), expected.size(), letters.size(), fx.database().size());
            assertThat(unexplained).isEmpty();
            assertThat(letters).hasSize(corpus.size());
            // nothing of a bad entry reached the database, every good write did
            assertThat(fx.database()).isEqualTo(expected);
        }
    }

    private static boolean matches(DeadLetter letter, Case c) {
        return letter.error().contains(c.reason());
    }

    private static Map<String, String> without(Map<String, String> e, String field) {
        Map<String, String> out = new LinkedHashMap<>(e);
        out.remove(field);
        return out;
    }

    private static Map<String, String> with(Map<String, String> e, String field, String value) {
        Map<String, String> out = new LinkedHashMap<>(e);
        out.put(field, value);
        return out;
    }

    /** The entry with one column removed from its row image. */
    private static Map<String, String> rowWithout(Map<String, String> e, String column) {
        Map<String, String> out = row(e, column, "");
        return with(out, "row", out.get("row").replace(",\"" + column + "\":\"\"", "").replace("\"" + column + "\":\"\",", ""));
    }

    /** The entry with one column of its row image replaced (or added). */
    private static Map<String, String> row(Map<String, String> e, String column, String value) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            @SuppressWarnings("unchecked")
            Map<String, Object> row = json.readValue(e.get("row"), LinkedHashMap.class);
            row.put(column, value);
            return with(e, "row", json.writeValueAsString(row));
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
