package io.kvframework.testkit;

import io.kvframework.testkit.internal.ServerLifecycle;
import io.lettuce.core.RedisURI;

/** A real Redis server. */
public final class RedisServer extends BaseServer {

    RedisServer(ServerSource source, String host, int port, ServerLifecycle lifecycle) {
        super("redis", source, host, port, lifecycle);
    }

    /** The address as a Lettuce {@link RedisURI}, database 0. */
    public RedisURI redisUri() {
        return RedisURI.create(host(), port());
    }

    /** The address as a {@code redis://host:port} string. */
    public String uri() {
        return "redis://" + host() + ":" + port();
    }

    /**
     * Starts a new Redis server process owned by the caller, whatever the environment says: the
     * fresh-machine path. {@code extraArgs} are passed to {@code redis-server}, for example
     * {@code "--appendonly", "yes"}.
     */
    public static RedisServer startEmbedded(String... extraArgs) {
        return io.kvframework.testkit.internal.EmbeddedRedis.start(extraArgs)
                .into((host, port, lifecycle) -> new RedisServer(ServerSource.EMBEDDED, host, port, lifecycle));
    }
}
