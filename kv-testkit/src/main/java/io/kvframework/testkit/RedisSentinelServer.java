package io.kvframework.testkit;

import io.kvframework.testkit.internal.EmbeddedRedis;
import io.kvframework.testkit.internal.ServerLifecycle;
import io.lettuce.core.RedisURI;

/** A Redis Sentinel the testkit started, monitoring one master under a name. */
public final class RedisSentinelServer extends BaseServer {
    private final String masterName;

    RedisSentinelServer(String host, int port, ServerLifecycle lifecycle, String masterName) {
        super("redis-sentinel", ServerSource.EMBEDDED, host, port, lifecycle);
        this.masterName = masterName;
    }

    /** Starts a Sentinel that monitors {@code master} as {@code masterName}; close it when done. */
    public static RedisSentinelServer monitoring(RedisServer master, String masterName) {
        return EmbeddedRedis.startSentinel(masterName, master.host(), master.port())
                .into((host, port, lifecycle) -> new RedisSentinelServer(host, port, lifecycle, masterName));
    }

    /** The name the master is monitored under. */
    public String masterName() {
        return masterName;
    }

    /** How clients reach the master through this Sentinel: {@code redis-sentinel://host:port#name}. */
    public String uri() {
        return "redis-sentinel://" + host() + ":" + port() + "#" + masterName;
    }

    /** {@link #uri()} as a Lettuce {@link RedisURI}. */
    public RedisURI redisUri() {
        return RedisURI.create(uri());
    }
}
