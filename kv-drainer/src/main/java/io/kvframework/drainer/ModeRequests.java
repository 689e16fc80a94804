package io.kvframework.drainer;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.support.Futures;
import io.lettuce.core.ScriptOutputType;

/**
 * Operators' requests to switch a table between KV and database mode, as the operator CLI's
 * {@code mode} command makes them: a request in {@code {ns:0}:mode-requests}, taken by one running
 * drainer, whose outcome lands in {@code {ns:0}:mode-results}.
 */
public final class ModeRequests {
    private ModeRequests() {
    }

    /** The mode of a table as Redis holds it: {@code kv}, {@code db} or {@code switching}. */
    public static String modeOf(KvClient kv, String table) {
        return tableMode(kv, table).operatorName();
    }

    /** The mode of a table as Redis holds it. */
    public static TableMode tableMode(KvClient kv, String table) {
        return kv.admin().mode(table);
    }

    /** Hash of mode switches asked for by operators (table → {@code <mode>|<request id>}): {@code {ns:0}:mode-requests}. */
    public static String modeRequestsKey(KvClient kv) {
        return kv.keys().modeRequestsKey();
    }

    /** Hash of the outcome of the last requested switch per table ({@code <id> ok:<mode>} or {@code <id> error:<message>}). */
    public static String modeResultsKey(KvClient kv) {
        return kv.keys().modeResultsKey();
    }

    /**
     * Asks the running drainers to switch a table to {@code kv} or {@code db} mode (what the operator
     * CLI's {@code mode} command does): one drainer instance takes the request within a maintenance
     * interval, performs {@link Drainer#switchToDatabase} or {@link Drainer#switchToKv}, and records the outcome in
     * {@link #modeResultsKey}. Returns the request's id, for {@link #modeResult} and {@link #withdrawMode}.
     */
    public static String requestMode(KvClient kv, String table, String mode) {
        TableMode.requested(mode);
        String id = java.util.UUID.randomUUID().toString().substring(0, 8);
        Futures.await(kv.redis().hset(modeRequestsKey(kv), table, mode + "|" + id), kv.options().commandTimeout(), "requesting a mode switch");
        return id;
    }

    /** The outcome of request {@code id} ({@code ok:<mode>} or {@code error:<message>}), or null while there is none. */
    public static String modeResult(KvClient kv, String table, String id) {
        String result = Futures.await(kv.redis().hget(modeResultsKey(kv), table), kv.options().commandTimeout(), "reading a mode result");
        return result != null && result.startsWith(id + " ") ? result.substring(id.length() + 1) : null;
    }

    private static final String WITHDRAW = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end"
            + " redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) return 0";

    /**
     * Withdraws a mode request whose asker gives up: a request no drainer has taken is removed
     * (returns true); one a drainer is performing is told to stop, and the drainer puts the table
     * back in KV mode and records {@code error:withdrawn} (returns false). No request outlives the
     * command that asked for it.
     */
    public static boolean withdrawMode(KvClient kv, String table, String mode, String id) {
        Long removed = Futures.await(kv.redis().<Long>eval(WITHDRAW, ScriptOutputType.INTEGER,
                new String[] {modeRequestsKey(kv), kv.keys().modeCancelKey()}, table, mode + "|" + id, id), kv.options().commandTimeout(),
                "withdrawing a mode request");
        return removed == 1;
    }
}
