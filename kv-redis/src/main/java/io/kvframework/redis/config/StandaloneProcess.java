package io.kvframework.redis.config;

import java.util.concurrent.CountDownLatch;

/**
 * The one {@code main()} skeleton of the standalone processes: read the {@link KvSettings} (the
 * first argument names a properties file), build the service (exit code 2 on bad configuration),
 * start it, and stop it on SIGTERM or Ctrl-C (the batch in flight finishes, leases are released),
 * then exit 0.
 */
public final class StandaloneProcess {
    private StandaloneProcess() {
    }

    /** A service built from settings. */
    public interface Service {
        /** Starts it; returns what to add to the "started" line (for example its instance name), or "". */
        String start() throws Exception;

        /** Stops it gracefully and releases what it holds. */
        void stop();

        /** A service that runs {@code start}, reports {@code started}, and on stop closes {@code resources} in order. */
        static Service of(Starter start, java.util.function.Supplier<String> started, AutoCloseable... resources) {
            return new Service() {
                @Override
                public String start() throws Exception {
                    start.run();
                    return started.get();
                }

                @Override
                public void stop() {
                    for (AutoCloseable r : resources) {
                        try {
                            r.close();
                        } catch (Exception e) {
                            System.err.println("stopping: " + e);
                        }
                    }
                }
            };
        }
    }

    /** What starts a service. */
    @FunctionalInterface
    public interface Starter {
        void run() throws Exception;
    }

    /** Builds a service from the settings; {@link IllegalArgumentException} for bad configuration. */
    @FunctionalInterface
    public interface Factory {
        Service create(KvSettings settings) throws Exception;
    }

    /** Runs {@code name} until the JVM is asked to stop. */
    public static void run(String name, String[] args, Factory factory) throws Exception {
        Service service;
        try {
            service = factory.create(KvSettings.load(args.length > 0 ? args[0] : null));
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println(name + ": bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(name + ": stopping");
            service.stop();
            System.out.println(name + ": stopped");
            stopped.countDown();
        }, name + "-shutdown"));
        String detail = service.start();
        System.out.println(name + ": started" + (detail == null || detail.isEmpty() ? "" : " " + detail));
        stopped.await();
    }
}
