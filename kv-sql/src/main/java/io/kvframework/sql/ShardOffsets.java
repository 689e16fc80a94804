package io.kvframework.sql;

import io.kvframework.core.SqlDialect;
import io.kvframework.core.sink.FencedException;
import io.kvframework.core.sink.SinkBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The drainer's positions in {@value DatabaseSink#OFFSETS_TABLE}, one row per key namespace,
 * consumer group and shard: the last applied stream entry id and the fencing token of the shard's
 * owner. Positions move in the transaction of the rows they cover, and only where the fence is still
 * the writer's.
 */
final class ShardOffsets {
    private final SqlDialect dialect;
    private final String namespace;
    private final String group;
    private final Table<Record> table = DSL.table(DSL.name(DatabaseSink.OFFSETS_TABLE));
    private final Field<String> namespaceField = DSL.field(DSL.name("namespace"), SQLDataType.VARCHAR(64).notNull());
    private final Field<String> groupField = DSL.field(DSL.name("group_name"), SQLDataType.VARCHAR(64).notNull());
    private final Field<Integer> shardField = DSL.field(DSL.name("shard"), SQLDataType.INTEGER.notNull());
    private final Field<String> lastIdField = DSL.field(DSL.name("last_id"), SQLDataType.VARCHAR(42).notNull());
    private final Field<Long> fenceField = DSL.field(DSL.name("fence"), SQLDataType.BIGINT.notNull());

    ShardOffsets(SqlDialect dialect, String namespace, String group) {
        this.dialect = dialect;
        this.namespace = namespace;
        this.group = group;
    }

    void createTable(DSLContext dsl) {
        dsl.createTableIfNotExists(table).columns(namespaceField, groupField, shardField, lastIdField, fenceField)
                .constraints(DSL.constraint(DSL.name("pk_" + DatabaseSink.OFFSETS_TABLE)).primaryKey(namespaceField, groupField, shardField))
                .execute();
    }

    /** Records {@code fence} as the shard's owner's and returns the last applied entry id, if any (see ChangeSink.claim). */
    Optional<String> claim(DSLContext dsl, int shard, long fence) {
        return dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Record existing = tx.select(lastIdField, fenceField).from(table).where(namespaceField.eq(namespace)).and(groupField.eq(group))
                    .and(shardField.eq(shard)).forUpdate().fetchOne();
            if (existing == null) {
                tx.insertInto(table, namespaceField, groupField, shardField, lastIdField, fenceField).values(namespace, group, shard, "0-0", fence)
                        .execute();
                return Optional.<String>empty();
            }
            if (existing.get(fenceField) > fence) {
                throw new FencedException("shard " + shard + " is fenced at " + existing.get(fenceField) + " > " + fence);
            }
            tx.update(table).set(fenceField, fence).where(namespaceField.eq(namespace)).and(groupField.eq(group)).and(shardField.eq(shard))
                    .execute();
            String last = existing.get(lastIdField);
            return "0-0".equals(last) ? Optional.<String>empty() : Optional.of(last);
        });
    }

    /**
     * Moves the shards' positions inside transaction {@code tx}.
     *
     * @throws FencedException when a shard has a newer owner (the transaction must roll back)
     */
    void move(DSLContext tx, Map<Integer, SinkBatch.Position> positions) {
        if (positions.isEmpty()) {
            return;
        }
        Set<Integer> moved = dialect == SqlDialect.POSTGRES
                ? DatabaseSink.jdbc(tx, "update " + DatabaseSink.OFFSETS_TABLE, c -> pgMove(c, positions)) : batchMove(tx, positions);
        for (Integer shard : positions.keySet()) {
            if (!moved.contains(shard)) {
                throw new FencedException("shard " + shard + " has a newer owner than fence " + positions.get(shard).fence());
            }
        }
    }

    /** The last entry id applied for a shard, or empty. */
    Optional<String> committed(DSLContext dsl, int shard) {
        return dsl.select(lastIdField).from(table).where(namespaceField.eq(namespace)).and(groupField.eq(group)).and(shardField.eq(shard))
                .fetchOptional(lastIdField).filter(id -> !id.equals("0-0"));
    }

    /** PostgreSQL: every position in one {@code UPDATE … FROM unnest(…) RETURNING shard}; the shards whose fence matched. */
    private Set<Integer> pgMove(Connection c, Map<Integer, SinkBatch.Position> positions) throws SQLException {
        Integer[] shards = positions.keySet().toArray(Integer[]::new);
        String[] ids = new String[shards.length];
        Long[] fences = new Long[shards.length];
        for (int i = 0; i < shards.length; i++) {
            ids[i] = positions.get(shards[i]).lastEntryId();
            fences[i] = positions.get(shards[i]).fence();
        }
        Set<Integer> moved = new HashSet<>();
        try (PreparedStatement st = c.prepareStatement("update \"" + DatabaseSink.OFFSETS_TABLE + "\" o set \"last_id\" = v.last_id"
                + " from unnest(?::int4[], ?::text[], ?::int8[]) as v(shard, last_id, fence) where o.\"namespace\" = ? and o.\"group_name\" = ?"
                + " and o.\"shard\" = v.shard and o.\"fence\" = v.fence returning o.\"shard\"")) {
            st.setArray(1, c.createArrayOf("int4", shards));
            st.setArray(2, c.createArrayOf("text", ids));
            st.setArray(3, c.createArrayOf("int8", fences));
            st.setString(4, namespace);
            st.setString(5, group);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    moved.add(rs.getInt(1));
                }
            }
        }
        return moved;
    }

    /** MariaDB: one fenced UPDATE per shard, in one JDBC batch; the shards whose fence matched. */
    private Set<Integer> batchMove(DSLContext tx, Map<Integer, SinkBatch.Position> positions) {
        List<Query> updates = new ArrayList<>();
        List<Integer> shards = new ArrayList<>();
        for (Map.Entry<Integer, SinkBatch.Position> p : positions.entrySet()) {
            updates.add(tx.update(table).set(lastIdField, p.getValue().lastEntryId())
                    .where(namespaceField.eq(namespace)).and(groupField.eq(group)).and(shardField.eq(p.getKey()))
                    .and(fenceField.eq(p.getValue().fence())));
            shards.add(p.getKey());
        }
        int[] counts = tx.batch(updates).execute();
        Set<Integer> moved = new HashSet<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                moved.add(shards.get(i));
            }
        }
        return moved;
    }
}
