package io.kvframework.testkit;

/**
 * A real server a test talks to. Servers started by the testkit ({@link ServerSource#EMBEDDED}) can
 * be stopped and started again on the same address, for fault tests; servers from elsewhere cannot,
 * and say so with an exception (cut the network path with a {@link TcpProxy} instead).
 */
public interface TestServer {

    /** Short name of the kind of server, for example {@code redis}. */
    String kind();

    /** Where this server came from. */
    ServerSource source();

    /** Host name or address clients connect to. */
    String host();

    /** TCP port clients connect to. */
    int port();

    /** Human-readable description including the source, for logs and test output. */
    default String describe() {
        return kind() + " at " + host() + ":" + port() + " (" + source().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** Whether {@link #stop()} and {@link #start()} are supported, that is the testkit owns the process. */
    boolean controllable();

    /**
     * Stops the server; clients see refused connections until {@link #start()}.
     *
     * @throws UnsupportedOperationException when the testkit does not own this server
     */
    void stop();

    /**
     * Kills the server at once: SIGKILL for a server that is a process of its own (Redis, ClickHouse),
     * so whatever it had not made durable is gone; other servers are stopped as by {@link #stop()}.
     *
     * @throws UnsupportedOperationException when the testkit does not own this server
     */
    void kill();

    /**
     * Starts a stopped server again on the same host and port, keeping its data.
     *
     * @throws UnsupportedOperationException when the testkit does not own this server
     */
    void start();
}
