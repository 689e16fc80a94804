package io.kvframework.testkit.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads testkit settings: a system property wins over the environment variable of the same
 * meaning ({@code KV_REDIS_URL} ~ {@code kv.redis.url}).
 */
public final class Settings {
    private Settings() {
    }

    /** The value of the environment variable {@code envName} or its system-property twin. */
    public static Optional<String> get(String envName) {
        String property = envName.toLowerCase(Locale.ROOT).replace('_', '.');
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(envName);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** Whether the user opted in to servers already listening on their standard local ports. */
    public static boolean useLocalServers() {
        return get("KV_TESTKIT_LOCAL").map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(false);
    }

    /** Whether Testcontainers may be tried (default yes; {@code KV_TESTKIT_DOCKER=false} turns it off). */
    public static boolean dockerAllowed() {
        return get("KV_TESTKIT_DOCKER").map(v -> !v.equalsIgnoreCase("false") && !v.equals("0")).orElse(true);
    }
}
