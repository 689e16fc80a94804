package io.kvframework.analytics.internal;

/** Settings of the standalone mains, read from environment variables. */
public final class Environment {
    private Environment() {
    }

    /** The variable's value, or {@code fallback} when it is unset or blank. */
    public static String get(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** The variable's value; an IllegalArgumentException naming it when unset or blank. */
    public static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing environment variable " + name);
        }
        return v;
    }
}
