package io.kvframework.cli;

import io.kvframework.drainer.ModeRequests;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kv mode <table> [kv|db]}: shows a table's mode, or asks the running drainers to switch it and waits for the outcome. */
@Command(name = "mode", description = "Show a table's mode, or switch it: db drains the table's events, evicts its rows from Redis and"
        + " sends its reads and writes to the database; kv turns the cache back on. A running drainer performs the switch.")
final class ModeCommand implements Callable<Integer> {
    @ParentCommand
    KvCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "table")
    String table;

    @Parameters(index = "1", arity = "0..1", description = "kv or db (omit to show the mode)")
    String target;

    @Option(names = "--timeout", defaultValue = "PT6M", description = "how long to wait for a drainer to finish the switch, ISO-8601"
            + " (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (KvClient kv = root.client()) {
            if (target == null) {
                print(out, ModeRequests.modeOf(kv, table), null);
                return 0;
            }
            io.kvframework.redis.TableMode.requested(target);
            String id = ModeRequests.requestMode(kv, table, target);
            if (!root.json) {
                out.println("asked the drainers to switch " + table + " to " + target + " mode (request " + id + "); waiting ...");
                out.flush();
            }
            Integer done = await(kv, out, id, System.nanoTime() + timeout.toNanos());
            if (done != null) {
                return done;
            }
            // no request outlives the command that asked for it
            if (ModeRequests.withdrawMode(kv, table, target, id)) {
                print(out, ModeRequests.modeOf(kv, table), "no drainer took the request within " + timeout + " (is a drainer running on namespace "
                        + root.namespace + "?); the request was withdrawn");
                return KvCli.FAILED;
            }
            done = await(kv, out, id, System.nanoTime() + WITHDRAW_WAIT.toNanos());
            if (done != null) {
                return done;
            }
            print(out, ModeRequests.modeOf(kv, table), "a drainer took the request but did not finish within " + timeout
                    + "; it was asked to stop and put the table back in KV mode");
            return KvCli.FAILED;
        }
    }

    /** How long to wait for a drainer to confirm a withdrawn switch. */
    private static final Duration WITHDRAW_WAIT = Duration.ofSeconds(10);

    /** The exit code once request {@code id} has an outcome, or null at the deadline. */
    private Integer await(KvClient kv, PrintWriter out, String id, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            String result = ModeRequests.modeResult(kv, table, id);
            if (result != null) {
                boolean ok = result.startsWith("ok:");
                print(out, ModeRequests.modeOf(kv, table), ok ? null : result.substring("error:".length()));
                return ok ? 0 : KvCli.FAILED;
            }
            Thread.sleep(100);
        }
        return null;
    }

    private void print(PrintWriter out, String mode, String error) {
        if (root.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", table);
            m.put("mode", mode);
            if (error != null) {
                m.put("error", error);
            }
            Output.json(out, m);
        } else {
            out.println(table + ": " + mode + " mode" + (error == null ? "" : " (switch failed: " + error + ")"));
        }
    }
}
