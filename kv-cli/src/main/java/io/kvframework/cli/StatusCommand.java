package io.kvframework.cli;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import io.kvframework.stream.DeadLetter;
import io.kvframework.stream.DeadLetters;
import io.kvframework.stream.ShardStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kv status}: per shard and consumer group the backlog, pending entries, oldest age, owner and dead letters; per table the mode. */
@Command(name = "status", description = "Per shard and consumer group: backlog, pending, age of the oldest entry, lease owner, dead"
        + " letters. Per table: the mode (tables not listed are in KV mode).")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    KvCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--group", description = "consumer groups to show (default: drainer and analytics, those that exist)")
    List<String> groups;

    @Option(names = "--stall-after", description = "a shard whose oldest unacknowledged entry is older than this is shown as stalled"
            + " (default: ${DEFAULT-VALUE}, the engine's stallTimeout)", defaultValue = "PT60S")
    java.time.Duration stallAfter;

    /** What an operator should know of one shard: ok, lagging behind, or not moving at all. */
    private String state(ShardStatus s) {
        if (s.backlog() == 0) {
            return "ok";
        }
        if (s.owner() == null) {
            return "stalled: no owner";
        }
        if (s.oldestAgeMillis() > stallAfter.toMillis()) {
            return "stalled";
        }
        return "draining";
    }

    @Override
    public Integer call() {
        try (KvClient kv = root.client()) {
            Map<String, Object> json = new LinkedHashMap<>();
            List<List<Object>> rows = new ArrayList<>();
            List<Map<String, Object>> shards = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (String group : groups == null ? KvCli.GROUPS : groups) {
                List<ShardStatus> status = ShardStatus.read(kv, group);
                if (groups == null && status.stream().allMatch(s -> "-".equals(s.lastDelivered()))) {
                    continue; // the default groups are shown only where they exist
                }
                Map<Integer, Integer> letters = new TreeMap<>();
                for (DeadLetter d : new DeadLetters(kv, group).list(Integer.MAX_VALUE)) {
                    letters.merge(d.shard(), 1, Integer::sum);
                }
                int groupLetters = letters.values().stream().mapToInt(Integer::intValue).sum();
                if (groupLetters > 0) {
                    warnings.add(groupLetters + " dead letter(s) in group " + group + (group.equals("drainer")
                            ? ": their changes are not in the database and their rows stay pinned in Redis until replayed or discarded"
                            : ": their changes did not reach this group's sink") + " (kv dlq list --group " + group + ")");
                }
                for (ShardStatus s : status) {
                    int dead = letters.getOrDefault(s.shard(), 0);
                    String state = state(s);
                    if (state.startsWith("stalled")) {
                        warnings.add("group " + group + " shard " + s.shard() + " is " + state + ": " + s.backlog()
                                + " entries waiting, the oldest " + s.oldestAgeMillis() + " ms old");
                    }
                    rows.add(List.of(group, s.shard(), s.streamLength(), s.backlog(), s.pending(), s.oldestAgeMillis() + " ms",
                            s.owner() == null ? "-" : s.owner() + " (fence " + s.fence() + ")", dead, state));
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("group", group);
                    m.put("shard", s.shard());
                    m.put("length", s.streamLength());
                    m.put("backlog", s.backlog());
                    m.put("pending", s.pending());
                    m.put("oldestAgeMillis", s.oldestAgeMillis());
                    m.put("lastDelivered", s.lastDelivered());
                    m.put("owner", s.owner());
                    m.put("fence", s.fence());
                    m.put("deadLetters", dead);
                    m.put("state", state);
                    shards.add(m);
                }
            }
            Map<String, String> modes = new TreeMap<>();
            Futures.await(kv.redis().hgetall(kv.keys().modeKey(0)), kv.options().commandTimeout(), "reading table modes")
                    .forEach((table, mode) -> modes.put(table, io.kvframework.redis.TableMode.fromWire(mode).operatorName()));
            var out = spec.commandLine().getOut();
            if (root.json) {
                json.put("namespace", root.namespace);
                json.put("shards", shards);
                json.put("modes", modes);
                json.put("warnings", warnings);
                Output.json(out, json);
                return 0;
            }
            out.println("namespace " + root.namespace + ", " + root.shards + " shards, Redis " + root.where());
            if (rows.isEmpty()) {
                out.println("no consumer group exists yet (no drainer or bridge has started on this namespace)");
            } else {
                Output.table(out, List.of("GROUP", "SHARD", "LENGTH", "BACKLOG", "PENDING", "OLDEST", "OWNER", "DEAD LETTERS", "STATE"), rows);
            }
            warnings.forEach(w -> out.println("WARNING: " + w));
            out.println();
            if (modes.isEmpty()) {
                out.println("table modes: every table is in KV mode");
            } else {
                List<List<Object>> modeRows = new ArrayList<>();
                modes.forEach((t, m) -> modeRows.add(List.of(t, m)));
                Output.table(out, List.of("TABLE", "MODE"), modeRows);
                out.println("(tables not listed are in KV mode)");
            }
            return 0;
        }
    }
}
