package io.kvframework.testkit;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import io.kvframework.testkit.internal.ServerLifecycle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real ClickHouse server, reached over HTTP. */
public final class ClickHouseServer extends BaseServer {
    private final String user;
    private final String password;

    ClickHouseServer(ServerSource source, String host, int httpPort, String user, String password, ServerLifecycle lifecycle) {
        super("clickhouse", source, host, httpPort, lifecycle);
        this.user = user;
        this.password = password;
    }

    /** The HTTP endpoint, for example {@code http://127.0.0.1:8123}. */
    public String endpoint() {
        return "http://" + host() + ":" + port();
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /**
     * A new client-v2 client for this server. Server-response compression is off and queries should
     * name their output format ({@code ... FORMAT TabSeparated}), which also works on ClickHouse 18.x.
     */
    public Client newClient() {
        return new Client.Builder().addEndpoint(endpoint()).setUsername(user).setPassword(password)
                .compressServerResponse(false).compressClientRequest(false).build();
    }

    /**
     * Runs a query that ends in an explicit text {@code FORMAT} and returns its output lines.
     */
    public static List<String> queryLines(Client client, String sql) {
        try (QueryResponse response = client.query(sql).get(60, TimeUnit.SECONDS)) {
            String text = new String(response.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        } catch (Exception e) {
            throw new IllegalStateException("kv-testkit: ClickHouse query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Starts a private ClickHouse from a binary on PATH, owned by the caller. */
    public static ClickHouseServer startEmbedded() {
        return io.kvframework.testkit.internal.EmbeddedClickHouse.start().into((host, port, lifecycle) ->
                new ClickHouseServer(ServerSource.EMBEDDED, host, port, "default", "", lifecycle));
    }
}
