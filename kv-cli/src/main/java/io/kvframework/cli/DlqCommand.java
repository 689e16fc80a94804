package io.kvframework.cli;

import io.kvframework.drainer.Drainer;
import io.kvframework.redis.KvClient;
import io.kvframework.stream.DeadLetter;
import io.kvframework.stream.DeadLetters;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kv dlq list|show|replay|discard}: the dead letters of a consumer group. */
@Command(name = "dlq", description = "Dead letters: events a sink could never apply, kept in {ns:s}:dlq:<group> with their error.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class, DlqCommand.Discard.class})
final class DlqCommand {
    @ParentCommand
    KvCli root;

    @Option(names = "--group", defaultValue = "drainer", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "consumer group (default: ${DEFAULT-VALUE}; the Kafka bridge's is analytics)")
    String group;

    static Map<String, Object> describe(DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shard", d.shard());
        m.put("id", d.id());
        m.put("group", d.group());
        m.put("originalEntryId", d.originalEntryId());
        m.put("failedAt", d.failedAt().toString());
        m.put("error", d.error());
        m.put("event", d.originalFields());
        return m;
    }

    /** Finds one dead letter of the group or fails with exit code 1. */
    static DeadLetter find(KvClient kv, String group, int shard, String id) {
        Optional<DeadLetter> d = new DeadLetters(kv, group).get(shard, id);
        if (d.isEmpty() || !d.get().group().equals(group)) {
            throw new IllegalArgumentException("no dead letter " + id + " of group " + group + " on shard " + shard);
        }
        return d.get();
    }

    @Command(name = "list", description = "List dead letters, oldest first per shard.")
    static final class ListLetters implements Callable<Integer> {
        @ParentCommand
        DlqCommand dlq;

        @Spec
        CommandSpec spec;

        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            try (KvClient kv = dlq.root.client()) {
                List<DeadLetter> letters = new DeadLetters(kv, dlq.group).list(limit);
                PrintWriter out = spec.commandLine().getOut();
                if (dlq.root.json) {
                    Output.json(out, letters.stream().map(DlqCommand::describe).toList());
                    return 0;
                }
                if (letters.isEmpty()) {
                    out.println("no dead letters for group " + dlq.group);
                    return 0;
                }
                List<List<Object>> rows = new ArrayList<>();
                for (DeadLetter d : letters) {
                    Map<String, String> e = d.originalFields();
                    rows.add(List.of(d.shard(), d.id(), String.valueOf(e.get("table")), String.valueOf(e.get("key")),
                            String.valueOf(e.get("op")), String.valueOf(e.get("version")), d.failedAt().toString(), oneLine(d.error())));
                }
                Output.table(out, List.of("SHARD", "ID", "TABLE", "KEY", "OP", "VERSION", "FAILED AT", "ERROR"), rows);
                return 0;
            }
        }
    }

    /** A command on one dead letter, named by shard and id. */
    abstract static class OneLetter implements Callable<Integer> {
        @ParentCommand
        DlqCommand dlq;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", description = "shard")
        int shard;

        @Parameters(index = "1", description = "dead letter id (from dlq list)")
        String id;

        @Override
        public Integer call() {
            try (KvClient kv = dlq.root.client()) {
                DeadLetter d = find(kv, dlq.group, shard, id);
                apply(kv, d, spec.commandLine().getOut(), dlq.root.json);
                return 0;
            }
        }

        abstract void apply(KvClient kv, DeadLetter d, PrintWriter out, boolean json);
    }

    @Command(name = "show", description = "Show one dead letter with its whole event and error.")
    static final class Show extends OneLetter {
        @Override
        void apply(KvClient kv, DeadLetter d, PrintWriter out, boolean json) {
            if (json) {
                Output.json(out, describe(d));
                return;
            }
            describe(d).forEach((k, v) -> {
                if (!k.equals("event")) {
                    out.println(k + ": " + v);
                }
            });
            out.println("event:");
            d.originalFields().forEach((k, v) -> out.println("  " + k + ": " + v));
        }
    }

    @Command(name = "replay", description = "Put the event back at the end of its shard's stream (every consumer group processes it"
            + " again; version checks make a superseded event change nothing) and remove the dead letter. Fix the cause first.")
    static final class Replay extends OneLetter {
        @Override
        void apply(KvClient kv, DeadLetter d, PrintWriter out, boolean json) {
            String entry = new DeadLetters(kv, dlq.group).requeue(d);
            if (json) {
                Output.json(out, Map.of("replayed", id, "shard", shard, "entry", entry));
            } else {
                out.println("replayed dead letter " + id + " of shard " + shard + " as stream entry " + entry);
            }
        }
    }

    @Command(name = "discard", description = "Give up on a dead-lettered change: remove the dead letter without applying it. For the"
            + " drainer's group this also releases the row it pinned in Redis (evicted after its TTL; reads then return the database's"
            + " version). Prints what was dropped.")
    static final class Discard extends OneLetter {
        @Override
        void apply(KvClient kv, DeadLetter d, PrintWriter out, boolean json) {
            String dropped;
            if (Drainer.GROUP.equals(dlq.group)) {
                dropped = Drainer.discard(kv, d);
            } else {
                new DeadLetters(kv, dlq.group).discard(shard, id);
                dropped = "dropped the event of " + d.originalFields().getOrDefault("table", "?") + " "
                        + d.originalFields().getOrDefault("key", "?") + " for group " + dlq.group + " (dead letter " + id + " of shard "
                        + shard + ")";
            }
            if (json) {
                Output.json(out, Map.of("discarded", id, "shard", shard, "dropped", dropped));
            } else {
                out.println("discarded dead letter " + id + " of shard " + shard + ": " + dropped);
            }
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "-";
        }
        String line = s.replace('\n', ' ');
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }
}
