package io.kvframework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stream entry format of a change event, and what the drainer refuses as not one (the cases of StreamCorpusIT, without a server). */
class ChangeEventTest {

    private static Map<String, String> entry(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> good() {
        return entry("table", "accounts", "op", "u", "key", "a:1", "version", "3", "ts", "1700000000000", "row", "{\"id\":\"a:1\",\"n\":\"7\"}");
    }

    @Test
    void anEntryRoundTrips() {
        ChangeEvent e = ChangeEvent.fromStreamEntry(good());
        assertThat(e.table()).isEqualTo("accounts");
        assertThat(e.op()).isEqualTo(ChangeEvent.Op.UPDATE);
        assertThat(e.key()).isEqualTo("a:1");
        assertThat(e.version()).isEqualTo(3);
        assertThat(e.timestampMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(e.row()).containsEntry("n", "7");
        assertThat(ChangeEvent.fromStreamEntry(e.toStreamEntry())).isEqualTo(e);
    }

    @Test
    void whatIsNotAChangeEventIsRefusedWithTheReason() {
        String[][] broken = {
            {"key", null, "no 'key' field"},
            {"table", null, "table"},
            {"op", "x", "x"},
            {"version", "seven", "version"},
            {"version", "0", "versions start at 1"},
            {"row", "not json", "not a JSON object of strings"},
            {"row", "null", "row is null"},
            {"row", "[1,2]", "not a JSON object of strings"},
        };
        for (String[] b : broken) {
            Map<String, String> fields = good();
            if (b[1] == null) {
                fields.remove(b[0]);
            } else {
                fields.put(b[0], b[1]);
            }
            assertThatThrownBy(() -> ChangeEvent.fromStreamEntry(fields)).as("%s=%s", b[0], b[1]).isInstanceOf(InvalidValueException.class)
                    .hasMessageContaining(b[2]);
        }
        assertThatThrownBy(() -> ChangeEvent.fromStreamEntry(entry("foreign", "entry"))).isInstanceOf(InvalidValueException.class);
    }
}
