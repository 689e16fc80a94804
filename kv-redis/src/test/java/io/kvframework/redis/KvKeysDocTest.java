package io.kvframework.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/anatomy.md names every key exactly as {@link KvKeys} builds it: the doc cannot drift from the code. */
class KvKeysDocTest {
    private final KvKeys keys = new KvKeys("ns", 8);

    /** A key of shard 3 as the doc writes it: the shard number becomes {@code s}. */
    private static String generic(String key) {
        return key.replaceFirst("^\\{ns:\\d+}", "{ns:s}");
    }

    @Test
    void everyKeyKvKeysBuildsIsInAnatomyMd() throws Exception {
        String anatomy = Files.readString(Path.of("..", "docs", "anatomy.md"));
        List<String> documented = List.of(
                generic(keys.rowKey(3, "<table>", "<pk>")),
                generic(keys.streamKey(3)),
                generic(keys.indexKey(3, "<table>", "<index>", "<values>")),
                generic(keys.bloomKey(3)),
                generic(keys.filterKey(3)),
                generic(keys.expiryKey(3)),
                generic(keys.modeKey(3)),
                generic(keys.leaseKey(3, "<group>")),
                generic(keys.fenceKey(3, "<group>")),
                generic(keys.deadLetterKey(3, "<group>")),
                keys.membersKey("<group>"),
                keys.uniqueKey("<table>", "<index>", "<values>").replaceFirst("^\\{ns:\\d+}", "{ns:u}"),
                keys.modeRequestsKey(),
                keys.modeResultsKey(),
                keys.modeCancelKey());
        for (String key : documented) {
            assertThat(anatomy).as("docs/anatomy.md documents %s", key).contains("`" + key + "`");
        }
    }

    @Test
    void rowKeyPatternsFindRowKeysAndGiveBackTheirPrimaryKey() {
        String row = keys.rowKey(5, "orders", "o-17");
        assertThat(row).matches(keys.rowKeyPattern("orders").replace("{", "\\{").replace("}", "\\}").replace("*", ".*"));
        assertThat(keys.primaryKeyOfRowKey("orders", row)).isEqualTo("o-17");
        assertThat(row).startsWith(keys.namespacePattern().replace("*", ""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KvKeys("other", 8).primaryKeyOfRowKey("orders", row))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
