package io.kvframework.cli;

import io.kvframework.core.support.KeyEncoding;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import io.kvframework.stream.StreamGroups;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.models.stream.PendingMessage;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code kv inspect <table> <key...>}: one key's row in Redis, its row in the database, and its events still in the stream. */
@Command(name = "inspect", description = "Show one key's whole story: the Redis row (fields, version, tombstone, TTL), the database row"
        + " (with --jdbc), and the events of the key still in its shard's stream with where each consumer group is with it.")
final class InspectCommand implements Callable<Integer> {
    /** Stream entries read at most while looking for the key's events. */
    private static final int SCAN_LIMIT = 200_000;

    @ParentCommand
    KvCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "table")
    String table;

    @Parameters(index = "1..*", arity = "1..*", description = "primary key value(s), in key order for a composite key")
    List<String> key;

    @Override
    public Integer call() throws SQLException {
        PrintWriter out = spec.commandLine().getOut();
        String pk = key.stream().map(KeyEncoding::encode).collect(Collectors.joining(":"));
        try (KvClient kv = root.client()) {
            int shard = kv.keys().shard(table, pk);
            String rowKey = kv.keys().rowKey(shard, table, pk);
            Map<String, String> hash = new TreeMap<>(Futures.await(kv.redis().hgetall(rowKey), kv.options().commandTimeout(),
                    "reading " + rowKey));
            Long ttl = Futures.await(kv.redis().pttl(rowKey), kv.options().commandTimeout(), "reading the TTL of " + rowKey);
            Map<String, Object> redis = new LinkedHashMap<>();
            redis.put("key", rowKey);
            redis.put("present", !hash.isEmpty());
            if (!hash.isEmpty()) {
                redis.put("version", hash.remove("_v"));
                redis.put("tombstone", hash.remove("_d") != null);
                redis.put("ttlMillis", ttl == null || ttl < 0 ? null : ttl);
                redis.put("fields", hash);
            }
            Map<String, Object> database = root.jdbc == null ? null : databaseRow();
            List<Map<String, Object>> events = events(kv, shard, pk);
            if (root.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("table", table);
                m.put("key", pk);
                m.put("shard", shard);
                m.put("redis", redis);
                m.put("database", database);
                m.put("events", events);
                Output.json(out, m);
            } else {
                out.println(table + " " + pk + " (shard " + shard + ")");
                out.println();
                if (hash.isEmpty() && !Boolean.TRUE.equals(redis.get("present"))) {
                    out.println("Redis " + rowKey + ": absent (never cached here, evicted after its TTL, or the table is in database mode)");
                } else {
                    out.println("Redis " + rowKey + ": version " + redis.get("version")
                            + (Boolean.TRUE.equals(redis.get("tombstone")) ? ", DELETED (tombstone)" : "")
                            + (redis.get("ttlMillis") == null ? ", no TTL (not drained yet)" : ", expires in " + redis.get("ttlMillis") + " ms"));
                    hash.forEach((f, v) -> out.println("  " + f + " = " + v));
                }
                out.println();
                if (database == null) {
                    out.println("database: not asked (give --jdbc or KV_DATABASE_URL)");
                } else if (database.isEmpty()) {
                    out.println("database: no row");
                } else {
                    out.println("database: version " + database.get("version"));
                    database.forEach((c, v) -> out.println("  " + c + " = " + v));
                }
                out.println();
                if (events.isEmpty()) {
                    out.println("events in the stream: none (everything about this key was processed and trimmed)");
                } else {
                    List<List<Object>> rows = new ArrayList<>();
                    for (Map<String, Object> e : events) {
                        rows.add(List.of(e.get("id"), e.get("op"), e.get("version"), e.get("groups").toString()));
                    }
                    out.println("events in the stream:");
                    Output.table(out, List.of("ENTRY", "OP", "VERSION", "GROUPS"), rows);
                }
            }
            boolean found = !hash.isEmpty() || (database != null && !database.isEmpty()) || !events.isEmpty();
            return found ? 0 : KvCli.FAILED;
        }
    }

    /** The key's entries in the shard's stream, with each consumer group's progress on them. */
    private List<Map<String, Object>> events(KvClient kv, int shard, String pk) {
        String stream = kv.keys().streamKey(shard);
        StreamGroups groups = new StreamGroups(kv);
        List<StreamGroups.Group> all = groups.groups(stream);
        List<Map<String, Object>> out = new ArrayList<>();
        String from = "-";
        int scanned = 0;
        while (scanned < SCAN_LIMIT) {
            List<StreamMessage<String, String>> page = Futures.await(kv.redis().xrange(stream, Range.create(from, "+"), Limit.create(0, 1000)),
                    kv.options().commandTimeout(), "reading shard " + shard);
            for (StreamMessage<String, String> m : page) {
                if (m.getId().equals(from)) {
                    continue;
                }
                Map<String, String> body = m.getBody();
                if (table.equals(body.get("table")) && pk.equals(body.get("key"))) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("id", m.getId());
                    e.put("op", body.get("op"));
                    e.put("version", body.get("version"));
                    Map<String, String> progress = new LinkedHashMap<>();
                    for (StreamGroups.Group g : all) {
                        progress.put(g.name(), progress(kv, stream, g, m.getId()));
                    }
                    e.put("groups", progress);
                    out.add(e);
                }
            }
            scanned += page.size();
            if (page.size() < 1000) {
                break;
            }
            from = page.get(page.size() - 1).getId();
        }
        return out;
    }

    private static String progress(KvClient kv, String stream, StreamGroups.Group g, String id) {
        if (StreamGroups.compareIds(id, g.lastDelivered()) > 0) {
            return "not delivered";
        }
        List<PendingMessage> pending = Futures.await(kv.redis().xpending(stream, g.name(), Range.create(id, id), Limit.create(0, 1)),
                kv.options().commandTimeout(), "reading pending entries");
        return pending.isEmpty() ? "done" : "pending at " + pending.get(0).getConsumer();
    }

    /** The database row of the key (empty when none): columns by name, looked up by the table's primary key columns. */
    private Map<String, Object> databaseRow() throws SQLException {
        try (Connection c = DriverManager.getConnection(root.jdbc, root.dbUser, root.dbPassword)) {
            List<String> keyColumns = primaryKey(c);
            if (keyColumns.isEmpty()) {
                throw new IllegalArgumentException("table " + table + " has no primary key in the database at " + root.jdbc
                        + " (does it exist there?)");
            }
            if (keyColumns.size() != key.size()) {
                throw new IllegalArgumentException("table " + table + " has a key of " + keyColumns.size() + " column(s) " + keyColumns
                        + " but " + key.size() + " value(s) were given");
            }
            boolean postgres = root.jdbc.startsWith("jdbc:postgresql:");
            String q = postgres ? "\"" : "`";
            String where = keyColumns.stream().map(k -> postgres ? q + k + q + "::text = ?" : "CAST(" + q + k + q + " AS CHAR) = ?")
                    .collect(Collectors.joining(" AND "));
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + q + table + q + " WHERE " + where)) {
                for (int i = 0; i < key.size(); i++) {
                    ps.setString(i + 1, key.get(i));
                }
                Map<String, Object> row = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        ResultSetMetaData md = rs.getMetaData();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            row.put(md.getColumnLabel(i), v == null ? null : v.toString());
                        }
                    }
                }
                return row;
            }
        }
    }

    private List<String> primaryKey(Connection c) throws SQLException {
        TreeMap<Short, String> columns = new TreeMap<>();
        try (ResultSet rs = c.getMetaData().getPrimaryKeys(c.getCatalog(), c.getSchema(), table)) {
            while (rs.next()) {
                columns.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return new ArrayList<>(columns.values());
    }
}
