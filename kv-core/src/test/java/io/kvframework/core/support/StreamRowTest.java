package io.kvframework.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.InvalidValueException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stream entry's row kept as its JSON text: checked at once, read on demand, copied verbatim. */
class StreamRowTest {
    @Test
    void anObjectOfStringsIsKeptAsItsTextAndReadWhenAsked() {
        String json = "{\"id\":\"o\\\"1\",\"note\":\"a\\/b \\u00e9 \\ud83d\\ude00\",\"empty\":\"\"}";
        Map<String, String> row = StreamRow.of(json);
        assertThat(row).isInstanceOf(StreamRow.class);
        assertThat(((StreamRow) row).json()).isSameAs(json);
        assertThat(row).containsExactly(Map.entry("id", "o\"1"), Map.entry("note", "a/b \u00e9 \ud83d\ude00"), Map.entry("empty", ""));
        assertThat(row.get("missing")).isNull();
        assertThatThrownBy(() -> row.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void valuesReadTokenByTokenAreWhatJacksonsMapBindingReads() throws Exception {
        String[] texts = {"{}", "{\"a\":\"\"}", "{\"k\":\"1\",\"k\":\"2\"}", "{ \"sp ace\" : \"x\" ,\n\"\u00e9\":\"\\u0000\\n\\t\"}",
            "{\"long\":\"" + "x".repeat(70_000) + "\",\"next\":\"\\ud83d\\ude00\"}"};
        for (String json : texts) {
            Map<String, String> row = StreamRow.of(json);
            assertThat(row).as(json).isInstanceOf(StreamRow.class);
            LinkedHashMap<String, String> bound = JsonMapper.MAPPER.readValue(json,
                    new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, String>>() {
                    });
            assertThat(row).as(json).containsExactlyEntriesOf(bound);
        }
    }

    @Test
    void forEachValueWalksTheTextInOrderWithoutBuildingTheMapAndThenTheMap() {
        StreamRow row = (StreamRow) StreamRow.of("{\"k\":\"1\",\"a\":\"\\u00e9\",\"k\":\"2\"}");
        java.util.List<String> seen = new java.util.ArrayList<>();
        row.forEachValue((name, value) -> seen.add(name + "=" + value));
        assertThat(seen).containsExactly("k=1", "a=\u00e9", "k=2");
        // once the map exists (a value was asked for) it is walked instead: a name given twice holds its last value
        assertThat(row.get("k")).isEqualTo("2");
        seen.clear();
        row.forEachValue((name, value) -> seen.add(name + "=" + value));
        assertThat(seen).containsExactly("k=2", "a=\u00e9");
    }

    @Test
    void otherShapesJacksonReadsAsStringsAreReadAtOnceAsBefore() {
        Map<String, String> row = StreamRow.of("{\"n\":1,\"b\":true,\"z\":null}");
        assertThat(row).isNotInstanceOf(StreamRow.class);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("n", "1");
        expected.put("b", "true");
        expected.put("z", null);
        assertThat(row).isEqualTo(expected);
        // text after the object: not copied verbatim anywhere, read as before
        assertThat(StreamRow.of("{\"a\":\"b\"} trailing")).isNotInstanceOf(StreamRow.class).containsEntry("a", "b");
    }

    @Test
    void textThatIsNoObjectOfStringsIsRefused() {
        for (String bad : new String[] {"{", "[1]", "{\"a\":{\"b\":\"c\"}}", "{\"a\":\"\\q\"}", "{\"a\":\"tab\there\"}", "\"x\""}) {
            assertThatThrownBy(() -> StreamRow.of(bad).size()).as(bad).isInstanceOf(InvalidValueException.class);
        }
        assertThatThrownBy(() -> StreamRow.of("null")).isInstanceOf(InvalidValueException.class).hasMessageContaining("null");
    }

    @Test
    void eventsReadFromAStreamGiveTheirRowTextBackAndEqualEventsBuiltFromMaps() throws Exception {
        Map<String, String> fields = Map.of("table", "orders", "op", "u", "key", "o1", "version", "3", "ts", "1700000000000",
                "row", "{\"id\":\"o1\",\"city\":\"Oslo\"}");
        ChangeEvent read = ChangeEvent.fromStreamEntry(fields);
        assertThat(read.rowJson()).isEqualTo("{\"id\":\"o1\",\"city\":\"Oslo\"}");
        assertThat(read.toStreamEntry()).isEqualTo(fields);
        ChangeEvent built = new ChangeEvent("orders", ChangeEvent.Op.UPDATE, "o1", 3, 1_700_000_000_000L,
                new LinkedHashMap<>(Map.of("id", "o1", "city", "Oslo")));
        assertThat(read).isEqualTo(built);
        assertThat(read.hashCode()).isEqualTo(built.hashCode());
        assertThat(JsonMapper.MAPPER.readTree(built.rowJson())).isEqualTo(JsonMapper.MAPPER.readTree(read.rowJson()));
    }

    /** The check as Jackson's parser makes it (what objectOfStrings did before it was written by hand). */
    private static boolean jacksonSays(String json) {
        try (com.fasterxml.jackson.core.JsonParser p = JsonMapper.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return false;
            }
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    return false;
                }
            }
            return t == com.fasterxml.jackson.core.JsonToken.END_OBJECT && p.nextToken() == null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void theShapeCheckAgreesWithJacksonsParser() throws Exception {
        java.util.List<String> corpus = new java.util.ArrayList<>(java.util.List.of("{}", " {} ", "{ }", "\t{\"a\" : \"b\"}\r\n",
                "{\"a\":\"b\",\"c\":\"d\"}", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\uD83D\\ude00\"}", "{\"\":\"\"}",
                "{\"a\":\"b\",}", "{,\"a\":\"b\"}", "{\"a\":\"b\"\"c\":\"d\"}", "{\"a\" \"b\"}", "{\"a\":}", "{\"a\"}", "{\"a\":\"b\"",
                "{\"a\":\"b}", "{\"a\":\"\\u00g0\"}", "{\"a\":\"\\u00\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\\"}", "{\"a\":\"\u0001\"}",
                "{\"a\":\"\u007f \u2028 \u00e9 \ud83d\ude00\"}", "{\"a\":\"\\u\uff10\uff10\uff10\uff10\"}", "{\"a\":\"\\uFfFf\\ud800\"}", "{\"a\":\"b\"}{}", "{\"a\":\"b\"} x", "{\"a\":\"b\"}\u000b", "\u000b{}",
                "{'a':'b'}", "{a:\"b\"}", "{\"a\":1}", "{\"a\":null}", "{\"a\":[\"b\"]}", "{\"a\":{}}", "[]", "\"x\"", "", " ",
                "{\"a\":\"b\" /* c */}", "{\"a\":\"b\"}\u0000", "\ufeff{}", "{\"a\"\u00a0:\"b\"}"));
        // random damage to a typical row: every result must agree with Jackson's
        String row = "{\"id\":\"o-1\",\"city\":\"Oslo \\u00e9\\/\",\"total\":\"19.99\",\"note\":\"a \\\"quoted\\\" word\"}";
        String alphabet = "{}[]:,\" \\/ubnrtfx0aZ\t\n\u0001\u00e9";
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int k = 0; k < 20_000; k++) {
            StringBuilder b = new StringBuilder(row);
            for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
                int at = random.nextInt(b.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> b.deleteCharAt(Math.min(at, b.length() - 1));
                    default -> b.setCharAt(Math.min(at, b.length() - 1), alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            corpus.add(b.toString());
        }
        int accepted = 0;
        for (String json : corpus) {
            boolean ours = StreamRow.objectOfStrings(json);
            assertThat(ours).as(json).isEqualTo(jacksonSays(json));
            if (ours) {
                accepted++;
                // and what is read from it is what Jackson's map binding reads
                assertThat(StreamRow.of(json)).as(json).isInstanceOf(StreamRow.class).containsExactlyEntriesOf(
                        JsonMapper.MAPPER.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, String>>() {
                        }));
            }
        }
        // the damage leaves some texts valid: both sides of the check are exercised
        assertThat(accepted).isGreaterThan(100).isLessThan(corpus.size() - 100);
    }
}
