package io.kvframework.drainer;

import static io.kvframework.drainer.Account.BALANCE;
import static io.kvframework.drainer.Account.ID;
import static io.kvframework.drainer.Account.OWNER;

import io.kvframework.core.KvRepository;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A single writer doing random creates, updates (of balance and of the indexed owner), deletes and
 * re-creates over a fixed key set, keeping the exact expected state: the model the database must
 * equal once everything is drained.
 */
final class Workload implements Runnable {
    final Map<String, String> expected = new TreeMap<>();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    private final KvRepository<Account> accounts;
    private final int keys;
    private final Random random;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final long pauseMicros;
    private volatile Throwable error;
    private final String prefix;

    Workload(KvRepository<Account> accounts, int keys, long seed, long pauseMicros) {
        this(accounts, keys, seed, pauseMicros, "k");
    }

    Workload(KvRepository<Account> accounts, int keys, long seed, long pauseMicros, String prefix) {
        this.prefix = prefix;
        this.accounts = accounts;
        this.keys = keys;
        this.random = new Random(seed);
        this.pauseMicros = pauseMicros;
    }

    @Override
    public void run() {
        while (!stop.get()) {
            try {
                step();
                writes.incrementAndGet();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                error = e;
            }
            if (pauseMicros > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(pauseMicros * 1000);
            }
        }
    }

    synchronized void step() {
        String id = prefix + random.nextInt(keys);
        if (!expected.containsKey(id)) {
            Account a = accounts.createWithKV(new Account(id, "o" + random.nextInt(3), random.nextInt(1000)));
            expected.put(id, DrainerFixture.row(a));
            return;
        }
        int dice = random.nextInt(100);
        if (dice < 15) {
            accounts.deleteWithKV(ID.eq(id));
            expected.remove(id);
        } else if (dice < 35) {
            Account a = accounts.updateOneWithKV(OWNER.set("o" + random.nextInt(3)), ID.eq(id)).orElseThrow();
            expected.put(id, DrainerFixture.row(a));
        } else {
            Account a = accounts.updateOneWithKV(BALANCE.set((long) random.nextInt(1_000_000)), ID.eq(id)).orElseThrow();
            expected.put(id, DrainerFixture.row(a));
        }
    }

    void stop() {
        stop.set(true);
    }

    Throwable error() {
        return error;
    }

    synchronized Map<String, String> expected() {
        return new TreeMap<>(expected);
    }
}
