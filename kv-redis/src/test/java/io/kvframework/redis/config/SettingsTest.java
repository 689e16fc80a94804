package io.kvframework.redis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one configuration binder: file, environment, defaults, errors; and docs/configuration.md lists every setting. */
class SettingsTest {

    @Test
    void theEnvironmentOverridesTheFileAndDefaultsFillTheRest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kv.properties");
        Files.writeString(file, "kv.redis.url=redis://file:6379\nkv.shards=8\nkv.drainer.retain-for-groups=analytics, audit\n");
        KvSettings s = KvSettings.load(file.toString(), Map.of("KV_SHARDS", "16", "KV_DRAINER_LEASE_TTL_MS", "800"));
        assertThat(s.get(Setting.REDIS_URL)).isEqualTo("redis://file:6379");
        assertThat(s.integer(Setting.SHARDS)).isEqualTo(16);
        assertThat(s.millis(Setting.DRAINER_LEASE_TTL_MS)).isEqualTo(Duration.ofMillis(800));
        assertThat(s.list(Setting.DRAINER_RETAIN_FOR_GROUPS)).containsExactly("analytics", "audit");
        assertThat(s.get(Setting.NAMESPACE)).isEqualTo("kv");
        assertThat(s.bool(Setting.DRAINER_CREATE_TABLES)).isFalse();
        assertThat(s.options().build().shards()).isEqualTo(16);
    }

    @Test
    void theFileCanBeNamedByTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kv.properties");
        Files.writeString(file, "kv.namespace=shop\n");
        assertThat(KvSettings.load(null, Map.of(KvSettings.CONFIG_ENV, file.toString())).get(Setting.NAMESPACE)).isEqualTo("shop");
    }

    @Test
    void missingAndMalformedSettingsNameThePropertyAndItsVariable() {
        KvSettings s = KvSettings.load(null, Map.of("KV_SHARDS", "many", "KV_DRAINER_CREATE_TABLES", "yes"));
        assertThatThrownBy(() -> s.required(Setting.DATABASE_URL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kv.database.url").hasMessageContaining("KV_DATABASE_URL");
        assertThatThrownBy(() -> s.integer(Setting.SHARDS)).hasMessageContaining("KV_SHARDS").hasMessageContaining("'many'");
        assertThatThrownBy(() -> s.bool(Setting.DRAINER_CREATE_TABLES)).hasMessageContaining("true or false");
        assertThatThrownBy(() -> s.models(Setting.DRAINER_MODELS)).hasMessageContaining("missing setting kv.drainer.models");
        KvSettings bad = KvSettings.load(null, Map.of("KV_DRAINER_MODELS", "com.example.Nope"));
        assertThatThrownBy(() -> bad.models(Setting.DRAINER_MODELS)).hasMessageContaining("com.example.Nope is not on the class path");
        assertThatThrownBy(() -> KvSettings.load("/no/such/file.properties", Map.of())).hasMessageContaining("/no/such/file.properties");
    }

    @Test
    void everySettingIsInConfigurationMd() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (Setting s : Setting.values()) {
            assertThat(doc).as("docs/configuration.md lists %s", s.property())
                    .contains("| `" + s.property() + "` | `" + s.env() + "` |");
        }
    }
}
