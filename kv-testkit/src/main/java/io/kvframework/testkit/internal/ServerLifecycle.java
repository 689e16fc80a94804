package io.kvframework.testkit.internal;

/** Stop/start/close of a server the testkit owns. */
public interface ServerLifecycle extends AutoCloseable {
    /** Stops the server, keeping its data. */
    void stop();

    /** Kills the server at once, losing what it had not made durable; by default the same as {@link #stop()}. */
    default void kill() {
        stop();
    }

    /** Starts it again on the same address. */
    void start();

    /** Stops the server for good and removes what it left behind. */
    @Override
    void close();
}
