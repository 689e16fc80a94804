package io.kvframework.testkit;

import io.kvframework.testkit.internal.ServerLifecycle;

/** A real Kafka broker. */
public final class KafkaServer extends BaseServer {
    private final String bootstrapServers;

    KafkaServer(ServerSource source, String bootstrapServers, ServerLifecycle lifecycle) {
        super("kafka", source, hostOf(bootstrapServers), portOf(bootstrapServers), lifecycle);
        this.bootstrapServers = bootstrapServers;
    }

    /** The {@code bootstrap.servers} value for clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Starts a new KRaft broker inside this JVM, owned by the caller: the fresh-machine path. */
    public static KafkaServer startEmbedded() {
        return io.kvframework.testkit.internal.InJvmKafka.launch().into((host, port, lifecycle) ->
                new KafkaServer(ServerSource.EMBEDDED, host + ":" + port, lifecycle));
    }

    private static String first(String bootstrap) {
        String first = bootstrap.split(",")[0].trim();
        int scheme = first.indexOf("://");
        return scheme >= 0 ? first.substring(scheme + 3) : first;
    }

    private static String hostOf(String bootstrap) {
        String first = first(bootstrap);
        return first.substring(0, first.lastIndexOf(':'));
    }

    private static int portOf(String bootstrap) {
        String first = first(bootstrap);
        return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    }
}
