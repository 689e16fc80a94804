package io.kvframework.redis.internal;

import io.kvframework.core.Column;
import io.kvframework.core.Condition;
import io.kvframework.core.EntityModel;
import io.kvframework.core.InvalidValueException;
import io.kvframework.core.NonUniqueResultException;
import io.kvframework.core.KvAsyncRepository;
import io.kvframework.core.OptimisticLockException;
import io.kvframework.core.Update;
import io.kvframework.core.Versioned;
import io.kvframework.core.Where;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvKeys;
import io.kvframework.redis.internal.RowCodec.RedisRow;
import io.kvframework.redis.internal.RowScripts.ExistenceCheck;
import io.kvframework.redis.internal.RowScripts.RowOp;
import io.kvframework.redis.support.Futures;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The asynchronous twin of {@link RedisKvRepository}, on the same parts. Creates, reads, updates,
 * saves and deletes by key of entities without unique indexes are one {@code write.lua} or
 * {@code HGETALL} on Lettuce's asynchronous API; whatever else the reply asks for (the database,
 * database mode, a lost race, unique claims) runs the blocking repository's logic on the client's
 * executor for blocking work, so that both behave the same.
 */
public final class RedisKvAsyncRepository<E> implements KvAsyncRepository<E> {
    private final KvClient client;
    private final RedisKvRepository<E> sync;
    private final RowParts<E> p;
    private final EntityModel<E> model;
    private final KvKeys keys;
    private final String table;
    private final Executor blocking;

    public RedisKvAsyncRepository(KvClient client, RedisKvRepository<E> sync, Executor blocking) {
        this.client = client;
        this.sync = sync;
        this.p = sync.parts();
        this.model = p.model();
        this.keys = client.keys();
        this.table = model.table();
        this.blocking = blocking;
    }

    @Override
    public EntityModel<E> model() {
        return model;
    }

    private <T> CompletableFuture<T> onBlocking(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, blocking);
    }

    /** Runs {@code step} now; a validation failure becomes a failed stage, as the blocking call would throw it. */
    private static <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<WriteResult> write(RowOp op, String pk, long expected, ExistenceCheck check, List<String> sets,
            List<String> clears, boolean withRow, String what) {
        return p.scripts().write(op, pk, expected, check, sets, clears).handle((reply, error) -> {
            if (error != null) {
                throw Futures.failure(error, what, true);
            }
            return p.scripts().writeResult(reply, withRow);
        });
    }

    /** The one primary key an equality on every key column names, or null when {@code where} is anything else. */
    private String singleKey(Where<E> where) {
        if (where == null || where.conditions().size() != model.key().size()) {
            return null;
        }
        for (Condition c : where.conditions()) {
            if (c.op() != Condition.Op.EQ || !model.key().contains(c.column())) {
                return null;
            }
        }
        QueryPlan plan = p.planner().plan(where);
        return plan.pks() != null && plan.pks().size() == 1 ? plan.pks().get(0) : null;
    }

    @Override
    public CompletionStage<E> createWithKV(E entity) {
        if (p.hasUniques()) {
            return onBlocking(() -> sync.createWithKV(entity));
        }
        return guarded(() -> {
            Object[] values = model.validateNew(entity);
            String pk = KvKeys.primaryKey(model, values);
            List<String> fields = p.codec().fieldPairs(values);
            return write(RowOp.CREATE, pk, -1, p.creator().createCheck(), fields, List.of(), false, "creating " + table + " " + pk)
                    .thenCompose(r -> {
                        if (r.status() == WriteStatus.OK) {
                            p.creates().increment();
                            return CompletableFuture.completedFuture(model.create(p.codec().normalized(values), r.version()));
                        }
                        // the database check, database mode, a duplicate: as the blocking create goes on
                        return onBlocking(() -> {
                            WriteResult done = p.creator().finishCreate(r, pk, values, fields);
                            p.creates().increment();
                            return model.create(p.codec().normalized(values), done.version());
                        });
                    });
        });
    }

    @Override
    public CompletionStage<List<E>> createManyWithKV(List<E> entities) {
        return onBlocking(() -> sync.createManyWithKV(entities));
    }

    @Override
    public CompletionStage<Optional<E>> findOneWithKV(Where<E> where) {
        return findOneVersionedWithKV(where).thenApply(v -> v.map(Versioned::entity));
    }

    @Override
    public CompletionStage<Optional<Versioned<E>>> findOneVersionedWithKV(Where<E> where) {
        return guarded(() -> {
            QueryPlan plan = where != null && where.isDisjunction() ? null : p.planner().plan(where);
            if (plan != null && plan.empty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            if (plan == null || plan.pks() == null || plan.pks().size() != 1) {
                return search(where, true).thenApply(found -> {
                    if (found.size() > 1) {
                        throw new NonUniqueResultException(table + ": " + found.size() + " rows match " + where + "; expected at most one");
                    }
                    return found.stream().findFirst().map(f -> new Versioned<>(model.create(f.values(), f.version()), f.version()));
                });
            }
            String pk = plan.pks().get(0);
            String what = "reading " + table + " " + pk;
            return client.redis().hgetall(keys.rowKey(keys.shard(table, pk), table, pk)).handle((hash, error) -> {
                if (error != null) {
                    throw Futures.failure(error, what, false);
                }
                return hash;
            }).toCompletableFuture().thenCompose(hash -> {
                if (hash.isEmpty()) {
                    // a miss: the blocking read asks the database and caches the row back
                    return onBlocking(() -> sync.findOneVersionedWithKV(where));
                }
                RedisRow row = p.codec().decode(hash);
                p.reader().countRedisAnswer(row.tombstone());
                if (row.tombstone() || !MergedReader.matches(where, row.values())) {
                    return CompletableFuture.completedFuture(Optional.<Versioned<E>>empty());
                }
                return CompletableFuture.completedFuture(Optional.of(new Versioned<>(model.create(row.values(), row.version()), row.version())));
            });
        });
    }

    /** The merged rows of a where-clause (an OR too): Redis steps asynchronous, the database query on the blocking executor. */
    private CompletableFuture<List<Found>> search(Where<E> where, boolean includeDb) {
        return guarded(() -> {
            if (where == null) {
                p.planner().plan(where); // the blocking call's refusal
            }
            return p.reader().searchAnyAsync(where, p.planner(), includeDb, true, blocking);
        });
    }

    private List<E> entities(List<Found> found) {
        List<E> out = new ArrayList<>(found.size());
        found.forEach(f -> out.add(model.create(f.values(), f.version())));
        return out;
    }

    @Override
    public CompletionStage<List<E>> findAllWithKV(Where<E> where) {
        return search(where, true).thenApply(this::entities);
    }

    @Override
    public CompletionStage<List<E>> findAllFromKvRedis(Where<E> where) {
        return search(where, false).thenApply(this::entities);
    }

    @Override
    public CompletionStage<Optional<E>> updateOneWithKV(Update<E> set, Where<E> where) {
        return update(set, where, -1);
    }

    @Override
    public CompletionStage<Optional<E>> updateOneWithKV(Update<E> set, Where<E> where, long expectedVersion) {
        return update(set, where, expectedVersion);
    }

    private CompletableFuture<Optional<E>> update(Update<E> set, Where<E> where, long expected) {
        Supplier<Optional<E>> blockingUpdate = () -> expected < 0 ? sync.updateOneWithKV(set, where) : sync.updateOneWithKV(set, where, expected);
        return guarded(() -> {
            String pk = p.hasUniques() ? null : singleKey(where);
            if (pk == null) {
                return onBlocking(blockingUpdate);
            }
            Assignments a = Assignments.of(model, p.codec(), set);
            return write(RowOp.UPDATE, pk, expected, ExistenceCheck.NONE, a.sets(), a.clears(), true, "updating " + table + " " + pk)
                    .thenCompose(r -> switch (r.status()) {
                        case OK -> {
                            p.updates().increment();
                            yield CompletableFuture.completedFuture(Optional.of(model.create(r.values(), r.version())));
                        }
                        case GONE -> expected < 0 ? CompletableFuture.completedFuture(Optional.<E>empty())
                                : CompletableFuture.<Optional<E>>failedFuture(new OptimisticLockException(table + " " + pk
                                        + ": expected version " + expected + " but the row has been deleted"));
                        case CONFLICT -> CompletableFuture.<Optional<E>>failedFuture(new OptimisticLockException(table + " " + pk
                                + ": expected version " + expected + " but the row has version " + r.version()));
                        // not in Redis (maybe in the database only), database mode, a switch: the blocking update
                        default -> onBlocking(blockingUpdate);
                    });
        });
    }

    @Override
    public CompletionStage<List<E>> updateWithKV(Update<E> set, Where<E> where) {
        return onBlocking(() -> sync.updateWithKV(set, where));
    }

    @Override
    public CompletionStage<Integer> deleteWithKV(Where<E> where) {
        return guarded(() -> {
            String pk = p.hasUniques() ? null : singleKey(where);
            if (pk == null) {
                return onBlocking(() -> sync.deleteWithKV(where));
            }
            return write(RowOp.DELETE, pk, -1, ExistenceCheck.NONE, List.of(), List.of(), false, "deleting " + table + " " + pk)
                    .thenCompose(r -> switch (r.status()) {
                        case OK -> {
                            p.deletes().increment();
                            yield CompletableFuture.completedFuture(1);
                        }
                        case GONE -> CompletableFuture.completedFuture(0);
                        default -> onBlocking(() -> sync.deleteWithKV(where));
                    });
        });
    }

    @Override
    public CompletionStage<E> saveWithKV(E entity) {
        return save(entity, -1);
    }

    @Override
    public CompletionStage<E> saveWithKV(E entity, long expectedVersion) {
        if (expectedVersion < 0) {
            return CompletableFuture.failedFuture(new InvalidValueException(table + ": expected version must be >= 0, got " + expectedVersion));
        }
        return save(entity, expectedVersion);
    }

    private CompletableFuture<E> save(E entity, long expected) {
        Supplier<E> blockingSave = () -> expected < 0 ? sync.saveWithKV(entity) : sync.saveWithKV(entity, expected);
        if (p.hasUniques()) {
            return onBlocking(blockingSave);
        }
        return guarded(() -> {
            Object[] values = p.codec().normalized(model.validate(entity));
            String pk = KvKeys.primaryKey(model, values);
            List<String> clears = new ArrayList<>();
            for (Column<E, ?> c : model.columns()) {
                if (values[c.position()] == null) {
                    clears.add(c.name());
                }
            }
            return write(RowOp.SAVE, pk, expected, p.creator().createCheck(), p.codec().fieldPairs(values), clears, true,
                    "saving " + table + " " + pk).thenCompose(r -> {
                        if (r.status() == WriteStatus.OK) {
                            p.saves().increment();
                            return CompletableFuture.completedFuture(model.create(r.values(), r.version()));
                        }
                        // nothing was written: the blocking save decides (database, refusals, races)
                        return onBlocking(blockingSave);
                    });
        });
    }

    @Override
    public CompletionStage<Boolean> deleteOneWithKV(Where<E> key) {
        return guarded(() -> {
            if (singleKey(key) == null) {
                return CompletableFuture.completedFuture(sync.deleteOneWithKV(key)); // throws the blocking call's refusal
            }
            return deleteWithKV(key).toCompletableFuture().thenApply(n -> n == 1);
        });
    }

    @Override
    public CompletionStage<Long> countWithKV(Where<E> where) {
        return search(where, true).thenApply(found -> (long) found.size());
    }

    @Override
    public CompletionStage<Boolean> existsWithKV(Where<E> where) {
        return search(where, true).thenApply(found -> !found.isEmpty());
    }
}
