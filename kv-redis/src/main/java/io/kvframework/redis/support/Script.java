package io.kvframework.redis.support;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A Lua script run with EVALSHA, falling back to EVAL (which also loads it) on NOSCRIPT. */
public final class Script {
    private final String name;
    private final String source;
    private final String sha;

    private Script(String name, String source) {
        this.name = name;
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the data plane's scripts live (a resource folder; this class does not depend on the data plane). */
    private static final String ROW_SCRIPTS = "/io/kvframework/redis/internal/";

    /** Loads {@code name}.lua of the data plane. */
    public static Script load(String name) {
        return new Script(name, read(ROW_SCRIPTS + name + ".lua", Script.class));
    }

    /** Loads {@code name}.lua from the package of {@code owner}. */
    public static Script load(String name, Class<?> owner) {
        return new Script(name, read(name + ".lua", owner));
    }

    /** Loads a row script of the data plane with the shared helpers of common.lua in front of it. */
    public static Script loadRowScript(String name) {
        return new Script(name, read(ROW_SCRIPTS + "common.lua", Script.class) + read(ROW_SCRIPTS + name + ".lua", Script.class));
    }

    private static String read(String resource, Class<?> owner) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String sha() {
        return sha;
    }

    public String source() {
        return source;
    }

    /** Runs the script; the future completes with the script's (multi-bulk) reply. */
    public CompletableFuture<List<Object>> run(RedisClusterAsyncCommands<String, String> redis, String[] keys, String... args) {
        CompletableFuture<List<Object>> first = redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RedisNoScriptException) {
                return redis.<List<Object>>eval(source, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
            }
            return CompletableFuture.failedFuture(cause);
        });
    }
}
