package io.kvframework.redis.config;

import io.kvframework.core.EntityModel;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The one configuration binder of the standalone processes and the CLI: {@link Setting}s from a
 * properties file, overridden by environment variables, with their defaults. A missing or
 * malformed setting is an {@link IllegalArgumentException} naming the property and its variable.
 */
public final class KvSettings {
    /** The environment variable naming a properties file, when no file is given on the command line. */
    public static final String CONFIG_ENV = "KV_CONFIG";

    private final Properties values;

    private KvSettings(Properties values) {
        this.values = values;
    }

    /**
     * Settings from {@code file} (may be null: then {@code KV_CONFIG} names it, if set) and the
     * process environment.
     */
    public static KvSettings load(String file) {
        return load(file, System.getenv());
    }

    /** As {@link #load(String)}, with the given environment (tests). */
    public static KvSettings load(String file, Map<String, String> env) {
        Properties p = new Properties();
        String path = file != null ? file : env.get(CONFIG_ENV);
        if (path != null && !path.isBlank()) {
            try (InputStream in = Files.newInputStream(Path.of(path))) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the settings file " + path + ": " + e.getMessage(), e);
            }
        }
        for (Setting s : Setting.values()) {
            String v = env.get(s.env());
            if (v != null && !v.isBlank()) {
                p.setProperty(s.property(), v);
            }
        }
        return new KvSettings(p);
    }

    /** The value, or its default (null when it has none). */
    public String get(Setting s) {
        String v = values.getProperty(s.property());
        return v == null || v.isBlank() ? s.defaultValue() : v.trim();
    }

    /** The value; {@link IllegalArgumentException} when neither it nor a default is set. */
    public String required(Setting s) {
        String v = get(s);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing setting " + s.property() + " (or environment variable " + s.env() + "): "
                    + s.description());
        }
        return v;
    }

    public int integer(Setting s) {
        String v = required(s);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.property() + " (" + s.env() + ") must be a whole number, got '" + v + "'");
        }
    }

    public boolean bool(Setting s) {
        String v = required(s);
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(s.property() + " (" + s.env() + ") must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** A setting in milliseconds (its name ends in {@code -ms}). */
    public Duration millis(Setting s) {
        String v = required(s);
        try {
            return Duration.ofMillis(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.property() + " (" + s.env() + ") must be milliseconds, got '" + v + "'");
        }
    }

    /** A comma-separated list; empty when unset. */
    public List<String> list(Setting s) {
        String v = get(s);
        return v == null || v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** The application's namespace and shards as {@link KvOptions}. */
    public KvOptions.Builder options() {
        return KvOptions.builder().namespace(required(Setting.NAMESPACE)).shards(integer(Setting.SHARDS));
    }

    /** A {@link KvClient} builder on {@code kv.redis.cluster} if set, else {@code kv.redis.url}, with {@link #options()}. */
    public KvClient.Builder client() {
        KvClient.Builder b = KvClient.builder().options(options().build());
        List<String> cluster = list(Setting.REDIS_CLUSTER);
        if (!cluster.isEmpty()) {
            return b.redisCluster(cluster.stream().map(RedisURI::create).toList());
        }
        return b.redis(RedisURI.create(required(Setting.REDIS_URL)));
    }

    /** The entity models named by a setting: classes with a {@code public static EntityModel MODEL}. */
    public List<EntityModel<?>> models(Setting s) {
        List<EntityModel<?>> models = new ArrayList<>();
        for (String className : list(s)) {
            try {
                Field field = Class.forName(className).getField("MODEL");
                if (!Modifier.isStatic(field.getModifiers()) || !(field.get(null) instanceof EntityModel<?> model)) {
                    throw new IllegalArgumentException(s.property() + ": " + className + ".MODEL is not a static EntityModel");
                }
                models.add(model);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException(s.property() + ": class " + className + " is not on the class path");
            } catch (NoSuchFieldException | IllegalAccessException e) {
                throw new IllegalArgumentException(s.property() + ": " + className + " has no public static MODEL field");
            }
        }
        if (models.isEmpty()) {
            required(s);
        }
        return models;
    }
}
