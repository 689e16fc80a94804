package io.kvframework.drainer;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.support.Futures;
import io.kvframework.stream.StreamEngine;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches tables between KV mode and database mode ({@link TableMode}), directly or as operators
 * request it through {@code {ns:0}:mode-requests} (one drainer instance takes each request, the
 * outcome goes to {@code {ns:0}:mode-results}, a withdrawal to {@code {ns:0}:mode-cancel}).
 */
final class ModeSwitches {
    private static final Logger LOG = LoggerFactory.getLogger("kv-drainer");

    private final KvClient kv;
    private final StreamEngine engine;

    ModeSwitches(KvClient kv, StreamEngine engine) {
        this.kv = kv;
        this.engine = engine;
    }

    /** {@link Drainer#switchToDatabase}, withdrawn when request {@code requestId} (may be null) is. */
    void switchToDatabase(String table, Duration timeout, String requestId) throws InterruptedException {
        kv.repository(table);
        long letters = engine.deadLetters().list(Integer.MAX_VALUE).stream().filter(d -> table.equals(d.originalFields().get("table"))).count();
        if (letters > 0) {
            // their rows live only in Redis; database mode evicts every cached row
            throw new io.kvframework.core.KvUnavailableException("kv-drainer: " + table + " has " + letters + " dead letter(s) whose rows"
                    + " are only in Redis; replay or discard them (kv dlq) before switching to database mode");
        }
        setMode(table, TableMode.SWITCHING);
        Map<Integer, String> marks = new java.util.HashMap<>();
        for (int s = 0; s < kv.keys().shards(); s++) {
            List<io.lettuce.core.StreamMessage<String, String>> last = Futures.await(kv.redis().xrevrange(kv.keys().streamKey(s),
                    Range.create("-", "+"), Limit.create(0, 1)), kv.options().commandTimeout(), "reading the end of shard " + s);
            if (!last.isEmpty()) {
                marks.put(s, last.get(0).getId());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!marks.isEmpty()) {
            marks.entrySet().removeIf(e -> engine.processedUpTo(e.getKey(), e.getValue()));
            if (marks.isEmpty()) {
                break;
            }
            if (withdrawn(table, requestId)) {
                setMode(table, TableMode.KV);
                throw new io.kvframework.core.KvUnavailableException("withdrawn: the switch of " + table + " to database mode was"
                        + " withdrawn by its requester before the streams were drained; the table stays in KV mode");
            }
            if (System.nanoTime() > deadline) {
                setMode(table, TableMode.KV);
                throw new io.kvframework.core.KvUnavailableException("kv-drainer: switching " + table + " to database mode: "
                        + marks.size() + " shard(s) not drained within " + timeout + "; the table stays in KV mode");
            }
            Thread.sleep(20);
        }
        int evicted = kv.admin().evictAll(table);
        setMode(table, TableMode.DB);
        LOG.info("kv-drainer: {} is in database mode ({} cached rows evicted)", table, evicted);
    }

    void switchToKv(String table, Duration grace) throws InterruptedException {
        kv.repository(table);
        setMode(table, TableMode.SWITCHING);
        Thread.sleep(grace.toMillis());
        setMode(table, TableMode.CHECKED);
        LOG.info("kv-drainer: {} is in KV mode again", table);
    }

    /** Takes pending mode requests (each is taken by exactly one instance) and performs them on their own threads. */
    void serveRequests() {
        Map<String, String> requests = Futures.await(kv.redis().hgetall(kv.keys().modeRequestsKey()), kv.options().commandTimeout(),
                "reading mode requests");
        requests.forEach((table, request) -> {
            if (Futures.await(kv.redis().hdel(kv.keys().modeRequestsKey(), table), kv.options().commandTimeout(), "taking a mode request") == 1) {
                int bar = request.indexOf('|');
                String target = bar < 0 ? request : request.substring(0, bar);
                String id = bar < 0 ? "" : request.substring(bar + 1);
                engine.options().newThread(() -> performSwitch(table, target, id), "kv-drainer-mode-" + table).start();
            }
        });
    }

    private void performSwitch(String table, String target, String id) {
        String result;
        try {
            LOG.info("kv-drainer: switching {} to {} mode as requested ({})", table, target, id);
            if (TableMode.requested(target) == TableMode.DB) {
                switchToDatabase(table, Drainer.MODE_SWITCH_TIMEOUT, id);
            } else {
                switchToKv(table, Drainer.MODE_SWITCH_GRACE);
            }
            result = "ok:" + target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = "error:interrupted";
        } catch (RuntimeException e) {
            LOG.warn("kv-drainer: switching {} to {} mode failed: {}", table, target, e.toString());
            result = "error:" + e.getMessage();
        }
        Futures.await(kv.redis().hset(kv.keys().modeResultsKey(), table, id + " " + result), kv.options().commandTimeout(), "recording a mode result");
    }

    /** Whether request {@code id} for {@code table} was withdrawn while being performed. */
    private boolean withdrawn(String table, String id) {
        if (id == null) {
            return false;
        }
        String cancel = Futures.await(kv.redis().hget(kv.keys().modeCancelKey(), table), kv.options().commandTimeout(), "reading withdrawals");
        if (id.equals(cancel)) {
            Futures.await(kv.redis().hdel(kv.keys().modeCancelKey(), table), kv.options().commandTimeout(), "clearing a withdrawal");
            return true;
        }
        return false;
    }

    private void setMode(String table, TableMode mode) {
        kv.admin().setMode(table, mode);
    }
}
