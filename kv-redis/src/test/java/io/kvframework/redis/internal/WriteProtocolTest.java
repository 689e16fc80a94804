package io.kvframework.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.redis.TableMode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Lua-Java protocol of the row scripts: replies decode into types, and the scripts use only the names Java knows. */
class WriteProtocolTest {

    private static String script(String name) throws Exception {
        try (InputStream in = WriteProtocolTest.class.getResourceAsStream("/io/kvframework/redis/internal/" + name + ".lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void okRepliesCarryVersionStreamIdAndImage() {
        WriteReply r = WriteReply.decode(List.of("ok", 3L, "1-0", List.of("id", "o1", "city", "Oslo")), true);
        assertThat(r.status()).isEqualTo(WriteStatus.OK);
        assertThat(r.version()).isEqualTo(3);
        assertThat(r.streamId()).isEqualTo("1-0");
        assertThat(r.image()).containsExactly(java.util.Map.entry("id", "o1"), java.util.Map.entry("city", "Oslo"));
        assertThat(WriteReply.decode(List.of("ok", 3L, "1-0", List.of("id", "o1")), false).image()).isNull();
    }

    @Test
    void tableModeRepliesCarryTheModeNotAStreamId() {
        WriteReply switching = WriteReply.decode(List.of("mode", 0L, "draining"), true);
        assertThat(switching.status()).isEqualTo(WriteStatus.TABLE_MODE);
        assertThat(switching.mode()).isEqualTo(TableMode.SWITCHING);
        assertThat(switching.streamId()).isNull();
        assertThat(WriteReply.decode(List.of("mode", 0L, "db"), true).mode()).isEqualTo(TableMode.DB);
    }

    @Test
    void refusalsCarryTheCurrentVersion() {
        assertThat(WriteReply.decode(List.of("dup", 4L), true).status()).isEqualTo(WriteStatus.DUPLICATE);
        assertThat(WriteReply.decode(List.of("conflict", 7L), true)).satisfies(r -> {
            assertThat(r.status().lostRace()).isTrue();
            assertThat(r.version()).isEqualTo(7);
        });
        assertThat(WriteReply.decode(List.of("gone", 2L), true).status().lostRace()).isTrue();
        assertThat(WriteReply.decode(List.of("missing", 0L), true).status().lostRace()).isTrue();
        assertThat(WriteReply.decode(List.of("check", 0L), true).status()).isEqualTo(WriteStatus.CHECK_DATABASE);
        assertThat(WriteStatus.DUPLICATE.lostRace()).isFalse();
    }

    @Test
    void unknownRepliesAreRefusedLoudly() {
        assertThatThrownBy(() -> WriteReply.decode(List.of("maybe", 0L), true)).hasMessageContaining("unknown status 'maybe'");
        assertThatThrownBy(() -> WriteReply.decode(List.of("ok"), true)).hasMessageContaining("expected at least");
        assertThatThrownBy(() -> WriteReply.decode(List.of("mode", 0L, "sideways"), true)).hasMessageContaining("unknown table mode");
    }

    @Test
    void everyStatusWriteLuaReturnsIsAWriteStatus() throws Exception {
        Matcher m = Pattern.compile("return \\{ '([a-z]+)'").matcher(script("write"));
        Set<String> returned = new java.util.TreeSet<>();
        while (m.find()) {
            returned.add(m.group(1));
        }
        assertThat(returned).isNotEmpty();
        returned.forEach(WriteStatus::fromWire);
    }

    @Test
    void theScriptsCompareTableModesOnlyWithTheirWireNames() throws Exception {
        Set<String> wire = Arrays.stream(TableMode.values()).map(TableMode::wire).filter(w -> w != null).collect(Collectors.toSet());
        for (String name : List.of("write", "hydrate")) {
            Matcher m = Pattern.compile("tableMode == '([a-z]+)'").matcher(script(name));
            int found = 0;
            while (m.find()) {
                assertThat(wire).as("%s.lua compares the table mode with '%s'", name, m.group(1)).contains(m.group(1));
                found++;
            }
            assertThat(found).as("%s.lua checks the table mode", name).isPositive();
        }
    }

    @Test
    void tableModesAsOperatorsSeeAndAskForThem() {
        assertThat(TableMode.fromWire(null)).isEqualTo(TableMode.KV);
        assertThat(TableMode.fromWire("checked").operatorName()).isEqualTo("kv");
        assertThat(TableMode.fromWire("draining").operatorName()).isEqualTo("switching");
        assertThat(TableMode.requested("DB")).isEqualTo(TableMode.DB);
        assertThat(TableMode.SWITCHING.holdsRedisWrites()).isTrue();
        assertThat(TableMode.CHECKED.holdsRedisWrites()).isFalse();
        assertThatThrownBy(() -> TableMode.requested("sideways")).hasMessage("mode must be kv or db, got 'sideways'");
    }
}
