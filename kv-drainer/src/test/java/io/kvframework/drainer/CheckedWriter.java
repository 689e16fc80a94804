package io.kvframework.drainer;

import static io.kvframework.drainer.Account.BALANCE;
import static io.kvframework.drainer.Account.ID;
import static io.kvframework.drainer.Account.OWNER;

import io.kvframework.core.KvRepository;
import io.kvframework.core.KvUnavailableException;
import io.kvframework.testkit.FaultReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/** One writer over its own keys: whatever it does is known exactly, so every outcome can be judged. */
final class CheckedWriter implements Runnable {
    final Map<String, Account> model = new HashMap<>();
    final AtomicLong operations = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong appliedWhole = new AtomicLong();
    final AtomicLong notApplied = new AtomicLong();
    final AtomicLong appliedTwice = new AtomicLong();
    final List<String> anomalies = new ArrayList<>();
    private final String prefix;
    private final KvRepository<Account> app;
    private final KvRepository<Account> check;
    private final AtomicBoolean stop;
    private final Random random;
    private Thread thread;

    CheckedWriter(String prefix, KvRepository<Account> app, KvRepository<Account> check, AtomicBoolean stop, Random random) {
        this.prefix = prefix;
        this.app = app;
        this.check = check;
        this.stop = stop;
        this.random = random;
    }

    /** Starts {@code count} writers, each over its own keys ({@code prefix + n + "-"}), on threads of their own. */
    static List<CheckedWriter> startAll(int count, String prefix, long seed, KvRepository<Account> app, KvRepository<Account> check,
            AtomicBoolean stop) {
        List<CheckedWriter> writers = new ArrayList<>();
        for (int w = 0; w < count; w++) {
            CheckedWriter writer = new CheckedWriter(prefix + w + "-", app, check, stop, new Random(seed + w));
            writer.thread = new Thread(writer, "writer-" + prefix + w);
            writer.thread.start();
            writers.add(writer);
        }
        return writers;
    }

    /** Stops the writers started by {@link #startAll} and waits for them. */
    static void stopAll(List<CheckedWriter> writers, AtomicBoolean stop) throws InterruptedException {
        stop.set(true);
        for (CheckedWriter w : writers) {
            w.thread.join();
        }
    }

    /** Compares the database with the writers' models, counting what the writers saw on the way. */
    static FaultReport report(String scenario, long faults, List<CheckedWriter> writers, Map<String, String> database) {
        Map<String, String> expected = new TreeMap<>();
        writers.forEach(w -> w.model.forEach((id, a) -> expected.put(id, DrainerFixture.row(a))));
        long failed = total(writers, w -> w.failed);
        long anomalies = anomalies(writers).size();
        long operations = total(writers, w -> w.operations);
        return FaultReport.compare(scenario, operations, faults, expected, database, total(writers, w -> w.appliedTwice),
                String.format("%,d writes succeeded; %,d failed with KvUnavailableException, of which %,d were found applied whole and"
                        + " %,d not applied; %d other failures", operations - failed - anomalies, failed, total(writers, w -> w.appliedWhole),
                        total(writers, w -> w.notApplied), anomalies));
    }

    static long total(List<CheckedWriter> writers, Function<CheckedWriter, AtomicLong> counter) {
        return writers.stream().mapToLong(w -> counter.apply(w).get()).sum();
    }

    static List<String> anomalies(List<CheckedWriter> writers) {
        List<String> all = new ArrayList<>();
        writers.forEach(w -> all.addAll(w.anomalies));
        return all;
    }

    @Override
    public void run() {
        while (!stop.get()) {
            String id = prefix + random.nextInt(40);
            Account before = model.get(id);
            Account intended = null;
            try {
                if (before == null) {
                    intended = new Account(id, "o" + random.nextInt(3), random.nextInt(1000));
                    Account created = app.createWithKV(intended);
                    accept(id, null, created);
                } else {
                    int dice = random.nextInt(10);
                    if (dice < 2) {
                        int n = app.deleteWithKV(ID.eq(id));
                        if (n != 1) {
                            anomaly("delete " + id + " deleted " + n + " rows, expected 1");
                        }
                        model.remove(id);
                    } else if (dice < 5) {
                        String owner = "o" + random.nextInt(3);
                        intended = new Account(id, owner, before.balance(), before.note(), before.version() + 1);
                        accept(id, before, app.updateOneWithKV(OWNER.set(owner), ID.eq(id)).orElse(null));
                    } else {
                        long balance = random.nextInt(1_000_000);
                        intended = new Account(id, before.owner(), balance, before.note(), before.version() + 1);
                        accept(id, before, app.updateOneWithKV(BALANCE.set(balance), ID.eq(id)).orElse(null));
                    }
                }
                operations.incrementAndGet();
            } catch (KvUnavailableException e) {
                operations.incrementAndGet();
                failed.incrementAndGet();
                boolean failedWriting = e.getMessage().matches("(?s).*while (creating|updating|deleting) .*");
                if (failedWriting && !e.getMessage().contains("may or may not have been applied")
                        && !e.getMessage().contains("was not applied")) {
                    anomaly("a failed write does not say whether it was applied: " + e.getMessage());
                }
                resolve(id, before, intended, e);
                LockSupport.parkNanos(2_000_000); // an application backs off a little
            } catch (RuntimeException e) {
                operations.incrementAndGet();
                anomaly("write to " + id + " (model: " + before + ") failed with " + e);
                readBack(id).ifPresentOrElse(a -> model.put(id, a), () -> model.remove(id));
            }
        }
    }

    /** A write returned normally: it must have produced exactly the next version. */
    private void accept(String id, Account before, Account after) {
        if (after == null) {
            anomaly("update of " + id + " found no row; model says " + before);
            return;
        }
        if (before != null && after.version() != before.version() + 1) {
            appliedTwice.incrementAndGet();
            anomaly("update of " + id + " returned version " + after.version() + " after " + before.version()
                    + ": an earlier write was applied again");
        }
        model.put(id, after);
    }

    /**
     * A write failed: read the key over a healthy connection and decide whether it happened. A
     * later write to the same key then proves it is not applied a second time, or late.
     */
    private void resolve(String id, Account before, Account intended, KvUnavailableException e) {
        if (e instanceof io.kvframework.core.WriteOutcomeUnknownException) {
            // bytes of the write may still be on their way to Redis through the cut connection (the proxy's
            // buffers, Redis's receive queue): an application, too, learns the outcome only once they settled
            LockSupport.parkNanos(200_000_000);
        }
        Optional<Account> now = readBack(id);
        if (before == null) {
            // a create: absent, or there whole
            if (now.isEmpty()) {
                notApplied.incrementAndGet();
            } else if (sameValues(now.get(), intended)) {
                appliedWhole.incrementAndGet();
                model.put(id, now.get());
            } else {
                anomaly("after a failed create of " + intended + " the row is " + now.get());
                model.put(id, now.get());
            }
            return;
        }
        if (now.isEmpty()) {
            if (intended != null) {
                anomaly("after a failed update of " + id + " the row is gone");
            }
            appliedWhole.incrementAndGet();
            model.remove(id);
        } else if (now.get().equals(before)) {
            notApplied.incrementAndGet();
        } else if (intended != null && now.get().version() == before.version() + 1 && sameValues(now.get(), intended)) {
            appliedWhole.incrementAndGet();
            model.put(id, now.get());
        } else {
            anomaly("after a failed write to " + id + " the row is " + now.get() + ", was " + before + " (" + e.getMessage() + ")");
            model.put(id, now.get());
        }
    }

    /** Reads a key over the checking connection, waiting for Redis to come back if it is away. */
    private Optional<Account> readBack(String id) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                return check.findOneWithKV(ID.eq(id));
            } catch (KvUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(50_000_000);
            }
        }
    }

    private static boolean sameValues(Account a, Account b) {
        return a.id().equals(b.id()) && Objects.equals(a.owner(), b.owner()) && a.balance() == b.balance()
                && Objects.equals(a.note(), b.note());
    }

    private synchronized void anomaly(String what) {
        if (anomalies.size() < 20) {
            anomalies.add(what);
        }
    }
}
