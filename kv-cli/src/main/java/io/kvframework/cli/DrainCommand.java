package io.kvframework.cli;

import io.kvframework.redis.KvClient;
import io.kvframework.stream.ShardStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kv drain [--wait]}: the backlog of a consumer group, and optionally waiting until it is empty. */
@Command(name = "drain", description = "Print the backlog (entries not yet acknowledged) of a consumer group; with --wait, wait until"
        + " it is zero, for example before a deploy or a database maintenance.")
final class DrainCommand implements Callable<Integer> {
    @ParentCommand
    KvCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--group", defaultValue = "drainer", description = "consumer group (default: ${DEFAULT-VALUE})")
    String group;

    @Option(names = "--wait", description = "wait until the backlog is zero (exit 1 when --timeout passes first)")
    boolean await;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "how long --wait waits, ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (KvClient kv = root.client()) {
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            long backlog = backlog(kv);
            long lastPrinted = -1;
            while (await && backlog > 0 && System.nanoTime() < deadline) {
                if (!root.json && backlog != lastPrinted) {
                    out.println("backlog of " + group + ": " + backlog + " entries");
                    out.flush();
                    lastPrinted = backlog;
                }
                Thread.sleep(250);
                backlog = backlog(kv);
            }
            boolean drained = backlog == 0;
            double seconds = (System.nanoTime() - start) / 1e9;
            if (root.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("group", group);
                m.put("backlog", backlog);
                m.put("drained", drained);
                m.put("waitedSeconds", Math.round(seconds * 10) / 10.0);
                Output.json(out, m);
            } else if (drained) {
                out.printf("%s is drained (backlog 0)%s%n", group, await ? String.format(" after %.1f s", seconds) : "");
            } else {
                out.println("backlog of " + group + ": " + backlog + " entries" + (await ? "; not drained within " + timeout : ""));
            }
            return !await || drained ? 0 : KvCli.FAILED;
        }
    }

    private long backlog(KvClient kv) {
        List<ShardStatus> status = ShardStatus.read(kv, group);
        return status.stream().mapToLong(ShardStatus::backlog).sum();
    }
}
