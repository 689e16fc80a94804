package io.kvframework.testkit.internal;

/** Stop/start/close of a server the testkit owns. */
public interface ServerLifecycle extends AutoCloseable {
    /** Stops the server, keeping its data. */
    void stop();

    /** Starts it again on the same address. */
    void start();

    /** Stops the server for good and removes what it left behind. */
    @Override
    void close();
}
