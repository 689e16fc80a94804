package io.kvframework.spring.boot;

import io.kvframework.redis.KvClient;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.data.redis.RedisProperties;

/**
 * Where KvClient connects, read from the application's {@code spring.data.redis.*}: a Redis
 * Cluster ({@code cluster.nodes}), a Sentinel-managed Redis ({@code sentinel.master} and
 * {@code sentinel.nodes}), a URL ({@code url}, {@code redis://} or {@code rediss://}) or host and
 * port; with the user (ACL), password, database, TLS, timeout and client name.
 */
final class RedisConnection {
    private RedisConnection() {
    }

    /** A KvClient builder connected as {@code redis} says. */
    static KvClient.Builder configure(KvClient.Builder builder, RedisProperties redis) {
        List<RedisURI> seeds = clusterSeeds(redis);
        return seeds.isEmpty() ? builder.redis(uri(redis)) : builder.redisCluster(seeds);
    }

    /** The seed nodes of {@code spring.data.redis.cluster.nodes}, or none. */
    static List<RedisURI> clusterSeeds(RedisProperties redis) {
        List<RedisURI> seeds = new ArrayList<>();
        if (redis.getCluster() != null && redis.getCluster().getNodes() != null) {
            for (String node : redis.getCluster().getNodes()) {
                seeds.add(common(RedisURI.builder().withHost(host(node)).withPort(port(node)), redis).build());
            }
        }
        return seeds;
    }

    /** The URI of a standalone or Sentinel-managed Redis. */
    static RedisURI uri(RedisProperties redis) {
        RedisProperties.Sentinel sentinel = redis.getSentinel();
        if (sentinel != null && sentinel.getMaster() != null && sentinel.getNodes() != null && !sentinel.getNodes().isEmpty()) {
            RedisURI.Builder b = RedisURI.builder().withSentinelMasterId(sentinel.getMaster());
            for (String node : sentinel.getNodes()) {
                if (sentinel.getPassword() != null) {
                    // what the Sentinels themselves ask; the data node's password is set below
                    b.withSentinel(host(node), port(node), sentinel.getPassword());
                } else {
                    b.withSentinel(host(node), port(node));
                }
            }
            return common(b, redis).withDatabase(redis.getDatabase()).build();
        }
        if (redis.getUrl() != null && !redis.getUrl().isBlank()) {
            RedisURI uri = RedisURI.create(redis.getUrl());
            if (redis.getTimeout() != null) {
                uri.setTimeout(redis.getTimeout());
            }
            if (redis.getClientName() != null) {
                uri.setClientName(redis.getClientName());
            }
            return uri;
        }
        RedisURI.Builder b = RedisURI.builder().withHost(redis.getHost() != null ? redis.getHost() : "localhost")
                .withPort(redis.getPort()).withDatabase(redis.getDatabase());
        return common(b, redis).build();
    }

    private static RedisURI.Builder common(RedisURI.Builder b, RedisProperties redis) {
        if (redis.getPassword() != null) {
            if (redis.getUsername() != null) {
                b.withAuthentication(redis.getUsername(), redis.getPassword());
            } else {
                b.withPassword(redis.getPassword().toCharArray());
            }
        }
        if (redis.getSsl() != null && redis.getSsl().isEnabled()) {
            b.withSsl(true);
        }
        if (redis.getTimeout() != null) {
            b.withTimeout(redis.getTimeout());
        }
        if (redis.getClientName() != null) {
            b.withClientName(redis.getClientName());
        }
        return b;
    }

    private static String host(String node) {
        int colon = node.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("spring.data.redis node '" + node + "' must be host:port");
        }
        String host = node.substring(0, colon);
        // an IPv6 address in brackets: [::1]:7000
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(String node) {
        try {
            return Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("spring.data.redis node '" + node + "' must be host:port", e);
        }
    }
}
