package io.kvframework.redis.internal;

import io.kvframework.core.Condition;
import io.kvframework.core.EntityModel;
import io.kvframework.core.IndexDefinition;
import io.kvframework.core.KvException;
import io.kvframework.core.NonUniqueResultException;
import io.kvframework.core.OptimisticLockException;
import io.kvframework.core.PartialWriteException;
import io.kvframework.core.Update;
import io.kvframework.core.Where;
import io.kvframework.core.spi.DbRow;
import io.kvframework.redis.KvOptions;
import io.kvframework.redis.TableMode;
import io.kvframework.redis.internal.RowScripts.ExistenceCheck;
import io.kvframework.redis.internal.RowScripts.RowOp;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Updates and deletes: the rows a where-clause matches (merged as reads merge them), each written
 * by {@code write.lua} at the version read, so that a row that moved on meanwhile is read again
 * and retried instead of overwritten; unique claims taken before and released after.
 */
final class RowUpdater<E> {
    private final EntityModel<E> model;
    private final String table;
    private final KvOptions options;
    private final RowCodec<E> codec;
    private final UniqueClaims<E> claims;
    private final RowScripts<E> scripts;
    private final MergedReader<E> reader;
    private final QueryPlanner<E> planner;
    private final DatabaseModeWriter<E> databaseMode;
    private final List<IndexDefinition> uniques;
    private final Counter updates;
    private final Counter deletes;

    RowUpdater(EntityModel<E> model, KvOptions options, RowCodec<E> codec, UniqueClaims<E> claims, RowScripts<E> scripts,
            MergedReader<E> reader, QueryPlanner<E> planner, DatabaseModeWriter<E> databaseMode, Counter updates, Counter deletes) {
        this.model = model;
        this.table = model.table();
        this.options = options;
        this.codec = codec;
        this.claims = claims;
        this.scripts = scripts;
        this.reader = reader;
        this.planner = planner;
        this.databaseMode = databaseMode;
        this.uniques = model.indexes().stream().filter(IndexDefinition::unique).toList();
        this.updates = updates;
        this.deletes = deletes;
    }

    /** Updates the one row matching {@code where}; {@code expected} -1 any version. */
    Optional<E> updateOne(Update<E> set, Where<E> where, long expected) {
        Assignments a = Assignments.of(model, codec, set);
        for (int attempt = 0; attempt <= options.conflictRetries(); attempt++) {
            List<Found> found = reader.searchAny(where, planner, true, false);
            if (found.isEmpty()) {
                if (expected >= 0) {
                    throw new OptimisticLockException(table + ": no row matches " + where + " (expected version " + expected + ")");
                }
                return Optional.empty();
            }
            if (found.size() > 1) {
                throw new NonUniqueResultException(table + ": " + found.size() + " rows match " + where + "; updateOne expects at most one");
            }
            Found f = found.get(0);
            if (expected >= 0 && f.version() != expected) {
                // stale before anything is claimed: the caller learns that first (not, say, a unique conflict)
                throw new OptimisticLockException(table + " " + f.pk() + ": expected version " + expected + " but the row has version "
                        + f.version());
            }
            // a where-clause of key equalities needs no re-check: the script updates whatever version is current
            // (with unique indexes the claims depend on the values read, so the version stays guarded)
            long guard = expected >= 0 ? expected : keyOnly(where) && uniques.isEmpty() ? -1 : f.version();
            WriteResult r = applyUpdate(f, a, guard);
            if (r.status() == WriteStatus.OK) {
                updates.increment();
                return Optional.of(model.create(r.values(), r.version()));
            }
            if (r.status() == WriteStatus.RETRY) {
                continue;
            }
            if (expected >= 0) {
                throw new OptimisticLockException(table + " " + f.pk() + ": expected version " + expected + " but the row has "
                        + (r.status() == WriteStatus.GONE ? "been deleted" : "version " + r.version()));
            }
            backoff(attempt);
        }
        throw new io.kvframework.core.ConcurrentWriteException(table + ": update of " + where + " lost " + (options.conflictRetries() + 1)
                + " races with concurrent writers in a row; try again");
    }

    /** Updates every row matching {@code where}, each at the version read; a per-row outcome when not all were written. */
    List<E> updateMany(Update<E> set, Where<E> where) {
        Assignments a = Assignments.of(model, codec, set);
        List<E> out = new ArrayList<>();
        List<PartialWriteException.RowOutcome> outcomes = new ArrayList<>();
        boolean failed = false;
        List<Found> matched = reader.searchAny(where, planner, true, false);
        // without unique claims every row's update can be sent at once (pipelined) at the version read
        List<CompletableFuture<List<Object>>> pipelined = uniques.isEmpty() ? new ArrayList<>() : null;
        if (pipelined != null) {
            for (Found f : matched) {
                if (!f.inRedis()) {
                    scripts.hydrate(f.pk(), new DbRow(f.values(), f.version()));
                }
                pipelined.add(scripts.write(RowOp.UPDATE, f.pk(), f.version(), ExistenceCheck.NONE, a.sets(), a.clears()));
            }
        }
        for (int i = 0; i < matched.size(); i++) {
            Found current = matched.get(i);
            try {
                if (pipelined != null) {
                    WriteResult r = scripts.awaitWrite(pipelined.get(i), "updating " + table + " " + current.pk());
                    if (r.status() == WriteStatus.OK) {
                        updates.increment();
                        out.add(model.create(r.values(), r.version()));
                        outcomes.add(RowCreator.written(i, out.get(out.size() - 1)));
                        continue;
                    }
                    // database mode, a switch or a lost race: the row's own loop below, after reading it again
                    current = r.status() == WriteStatus.TABLE_MODE ? current : reread(current.pk(), where);
                }
                for (int attempt = 0; current != null; attempt++) {
                    WriteResult r = applyUpdate(current, a, current.version());
                    if (r.status() == WriteStatus.OK) {
                        updates.increment();
                        out.add(model.create(r.values(), r.version()));
                        outcomes.add(RowCreator.written(i, out.get(out.size() - 1)));
                        break;
                    }
                    giveUpAfter(attempt, current.pk());
                    current = reread(current.pk(), where);
                }
            } catch (RuntimeException e) {
                failed = true;
                Found before = matched.get(i);
                outcomes.add(RowCreator.failed(i, model.create(before.values(), before.version()), e));
            }
        }
        if (failed) {
            throw PartialWriteException.of(table + ": updateWithKV of " + where, outcomes);
        }
        return out;
    }

    /** Deletes every row matching {@code where}, each at the version read; returns how many. */
    int deleteMany(Where<E> where) {
        int deleted = 0;
        for (Found f : reader.searchAny(where, planner, true, false)) {
            Found current = f;
            for (int attempt = 0; current != null; attempt++) {
                if (!current.inRedis()) {
                    scripts.hydrate(current.pk(), new DbRow(current.values(), current.version()));
                }
                WriteResult r = scripts.awaitWrite(scripts.write(RowOp.DELETE, current.pk(), current.version(), ExistenceCheck.NONE, List.of(), List.of()),
                        "deleting " + table + " " + current.pk());
                if (r.status() == WriteStatus.TABLE_MODE) {
                    if (r.mode() == TableMode.SWITCHING) {
                        scripts.waitWhileSwitching(current.pk());
                    } else {
                        r = databaseMode.delete(current);
                    }
                }
                if (r.status() == WriteStatus.OK) {
                    deleted++;
                    deletes.increment();
                    claims.releaseStale(current.pk(), current.values(), null);
                    break;
                }
                giveUpAfter(attempt, current.pk());
                current = reread(current.pk(), where);
            }
        }
        return deleted;
    }

    private void giveUpAfter(int attempt, String pk) {
        if (attempt >= options.conflictRetries()) {
            throw new io.kvframework.core.ConcurrentWriteException(table + " " + pk + ": lost " + (attempt + 1)
                    + " races with concurrent writers in a row; try again");
        }
        backoff(attempt);
    }

    /** Lets the winner of a race finish before trying again: a short random pause that grows with the attempts. */
    private static void backoff(int attempt) {
        long micros = java.util.concurrent.ThreadLocalRandom.current().nextLong(50, 200L << Math.min(attempt, 6));
        java.util.concurrent.locks.LockSupport.parkNanos(micros * 1000);
    }

    /** Whether {@code where} is only equalities on the key columns (then the row is fixed by the key alone). */
    boolean keyOnly(Where<E> where) {
        return !where.isDisjunction() && where.conditions().stream().allMatch(c -> c.op() == Condition.Op.EQ && model.key().contains(c.column()));
    }

    /** The row with this key as it is now, if it still matches {@code where}. */
    private Found reread(String pk, Where<E> where) {
        Object[] key = codec.keyValuesOf(pk);
        Found f = reader.readByKey(pk, key, false);
        return f != null && MergedReader.matches(where, f.values()) ? f : null;
    }

    private WriteResult applyUpdate(Found f, Assignments a, long expectedVersion) {
        if (!f.inRedis()) {
            scripts.hydrate(f.pk(), new DbRow(f.values(), f.version()));
        }
        Object[] after = f.values().clone();
        a.values().forEach((column, value) -> after[column.position()] = value);
        List<String> acquired = claims.claim(f.pk(), after, f.values());
        WriteResult r;
        try {
            r = scripts.awaitWrite(scripts.write(RowOp.UPDATE, f.pk(), expectedVersion, ExistenceCheck.NONE, a.sets(), a.clears()), "updating " + table + " " + f.pk());
        } catch (RuntimeException e) {
            claims.release(acquired, f.pk());
            throw e;
        }
        if (r.status() == WriteStatus.TABLE_MODE) {
            claims.release(acquired, f.pk());
            if (r.mode() == TableMode.SWITCHING) {
                scripts.waitWhileSwitching(f.pk());
                return new WriteResult(WriteStatus.RETRY, 0, null, null);
            }
            return databaseMode.update(f, a, expectedVersion >= 0 ? expectedVersion : f.version());
        }
        if (r.status() != WriteStatus.OK) {
            claims.release(acquired, f.pk());
            if (!r.status().lostRace()) {
                throw new KvException(table + " " + f.pk() + ": unexpected update status " + r.status());
            }
            return r;
        }
        claims.releaseStale(f.pk(), f.values(), after);
        return r;
    }
}
