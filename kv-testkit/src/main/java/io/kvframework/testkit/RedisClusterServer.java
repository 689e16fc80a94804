package io.kvframework.testkit;

import io.kvframework.testkit.internal.EmbeddedRedis;
import io.kvframework.testkit.internal.Started;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster of {@code redis-server} processes on this machine (masters only), started by
 * the testkit: the processes are started with {@code cluster-enabled}, the 16384 slots are split
 * evenly, the nodes meet, and the cluster is handed out once every node reports
 * {@code cluster_state:ok}.
 */
public final class RedisClusterServer implements AutoCloseable {
    private final List<Started> nodes;

    private RedisClusterServer(List<Started> nodes) {
        this.nodes = nodes;
    }

    /** Starts a cluster of {@code masters} nodes (at least 3, as Redis requires). */
    public static RedisClusterServer startEmbedded(int masters) {
        if (masters < 3) {
            throw new IllegalArgumentException("kv-testkit: a Redis Cluster needs at least 3 masters, got " + masters);
        }
        List<Started> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(EmbeddedRedis.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000", "--cluster-require-full-coverage", "yes"));
            }
            form(nodes);
            return new RedisClusterServer(nodes);
        } catch (RuntimeException e) {
            nodes.forEach(n -> n.lifecycle().close());
            throw e;
        }
    }

    private static void form(List<Started> nodes) {
        List<RedisClient> clients = new ArrayList<>();
        List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
        try {
            for (Started n : nodes) {
                RedisClient c = RedisClient.create(RedisURI.create(n.host(), n.port()));
                clients.add(c);
                connections.add(c.connect());
            }
            int per = 16384 / nodes.size();
            for (int i = 0; i < nodes.size(); i++) {
                int from = i * per;
                int to = i == nodes.size() - 1 ? 16383 : from + per - 1;
                int[] slots = new int[to - from + 1];
                for (int s = 0; s < slots.length; s++) {
                    slots[s] = from + s;
                }
                connections.get(i).sync().clusterAddSlots(slots);
            }
            for (int i = 1; i < nodes.size(); i++) {
                connections.get(0).sync().clusterMeet(nodes.get(i).host(), nodes.get(i).port());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (StatefulRedisConnection<String, String> c : connections) {
                while (!c.sync().clusterInfo().contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("kv-testkit: Redis Cluster did not reach cluster_state:ok within 60 s: "
                                + c.sync().clusterInfo());
                    }
                    sleep();
                }
            }
            // every node must also know every other node before clients fetch the topology
            for (StatefulRedisConnection<String, String> c : connections) {
                while (c.sync().clusterNodes().lines().filter(l -> !l.isBlank()).count() < nodes.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("kv-testkit: Redis Cluster nodes did not all meet within 60 s");
                    }
                    sleep();
                }
            }
        } finally {
            connections.forEach(StatefulRedisConnection::close);
            clients.forEach(RedisClient::shutdown);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Seed URIs of every node. */
    public List<RedisURI> seeds() {
        return nodes.stream().map(n -> RedisURI.create(n.host(), n.port())).toList();
    }

    /** Ports of the nodes. */
    public List<Integer> ports() {
        return nodes.stream().map(Started::port).toList();
    }

    @Override
    public void close() {
        nodes.forEach(n -> n.lifecycle().close());
    }

    @Override
    public String toString() {
        return "redis cluster " + ports() + " (embedded)";
    }
}
