package io.kvframework.testkit;

import io.kvframework.testkit.internal.ServerLifecycle;

/** Common state of the servers handed out by the testkit. */
abstract class BaseServer implements TestServer, AutoCloseable {
    private final String kind;
    private final ServerSource source;
    private final String host;
    private final int port;
    private final ServerLifecycle lifecycle;

    BaseServer(String kind, ServerSource source, String host, int port, ServerLifecycle lifecycle) {
        this.kind = kind;
        this.source = source;
        this.host = host;
        this.port = port;
        this.lifecycle = lifecycle;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public ServerSource source() {
        return source;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean controllable() {
        return lifecycle != null;
    }

    @Override
    public void stop() {
        control("stop").stop();
    }

    @Override
    public void kill() {
        control("kill").kill();
    }

    @Override
    public void start() {
        control("start").start();
    }

    private ServerLifecycle control(String action) {
        if (lifecycle == null) {
            throw new UnsupportedOperationException("kv-testkit: cannot " + action + " " + describe()
                    + ": the testkit does not own this server; cut its network path with TcpProxy instead");
        }
        return lifecycle;
    }

    /** Stops the server for good when the testkit owns it; does nothing otherwise. */
    @Override
    public void close() {
        if (lifecycle != null) {
            lifecycle.close();
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
