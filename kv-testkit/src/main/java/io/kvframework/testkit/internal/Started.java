package io.kvframework.testkit.internal;

/** A server a provider started: its address and how to control it. */
public record Started(String host, int port, ServerLifecycle lifecycle) {

    /** Builds the public handle from this address. */
    public <T> T into(Factory<T> factory) {
        return factory.create(host, port, lifecycle);
    }

    /** Creates a public server handle. */
    @FunctionalInterface
    public interface Factory<T> {
        T create(String host, int port, ServerLifecycle lifecycle);
    }
}
