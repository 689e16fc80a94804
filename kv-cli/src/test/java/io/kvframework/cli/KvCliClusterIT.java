package io.kvframework.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisClusterServer;
import io.kvframework.testkit.TestNamespace;
import io.lettuce.core.RedisURI;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The CLI follows a Redis Cluster like the library: its seeds on the command line, slots found from there. */
@KvTest
class KvCliClusterIT {

    @Test
    void statusAndInspectWorkAgainstARedisCluster(RedisClusterServer cluster, TestNamespace ns) {
        try (KvClient kv = KvClient.builder().redisCluster(cluster.seeds())
                .options(KvOptions.builder().namespace(ns.value()).shards(8).build()).build()) {
            KvRepository<Item> items = kv.repository(Item.MODEL);
            for (int i = 0; i < 20; i++) {
                items.createWithKV(new Item("i" + i, "ada", i, 0));
            }
            String seeds = cluster.seeds().stream().map(RedisURI::toString).collect(Collectors.joining(","));
            String[] where = {"--redis-cluster", seeds, "--namespace", ns.value(), "--shards", "8"};
            Result status = run("status", where);
            assertThat(status.code()).as(status.err()).isEqualTo(0);
            assertThat(status.out()).contains("namespace " + ns.value() + ", 8 shards, Redis cluster " + seeds);
            // rows live on every node of the cluster: inspect finds each through the slot map
            for (String id : new String[] {"i3", "i11", "i19"}) {
                Result inspect = run("inspect", where, "items", id);
                assertThat(inspect.code()).as(inspect.err()).isEqualTo(0);
                assertThat(inspect.out()).contains("version 1", "qty = " + id.substring(1));
            }
        }
    }

    record Result(int code, String out, String err) {
    }

    private static Result run(String command, String[] where, String... more) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command));
        args.addAll(java.util.List.of(more));
        args.addAll(java.util.List.of(where));
        int code = KvCli.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void anUnreachableClusterIsReportedWithItsSeeds(TestNamespace ns) {
        StringWriter err = new StringWriter();
        int code = KvCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "status", "--redis-cluster",
                "redis://127.0.0.1:1", "--namespace", ns.value());
        assertThat(code).isEqualTo(KvCli.UNREACHABLE);
        assertThat(err.toString()).contains("cluster redis://127.0.0.1:1");
    }
}
