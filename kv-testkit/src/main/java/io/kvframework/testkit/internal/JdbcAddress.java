package io.kvframework.testkit.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database address given by the user, as a JDBC URL ({@code jdbc:postgresql://host:port/db?user=u&password=p})
 * or a URI ({@code postgresql://u:p@host:port/db}).
 */
public record JdbcAddress(String host, int port, String database, String user, String password) {
    private static final Pattern URL = Pattern.compile(
            "^(?:jdbc:)?([a-z]+)://(?:([^:@/]+)(?::([^@/]*))?@)?([^:/?]+)(?::(\\d+))?(?:/([^?]*))?(?:\\?(.*))?$");

    public static JdbcAddress parse(String variable, String url, int defaultPort, String defaultDatabase, String defaultUser) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("kv-testkit: " + variable + "='" + url
                    + "' is not a database URL; expected for example jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        }
        Map<String, String> query = new HashMap<>();
        if (m.group(7) != null) {
            for (String pair : m.group(7).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        String user = m.group(2) != null ? m.group(2) : query.getOrDefault("user", defaultUser);
        String password = m.group(3) != null ? m.group(3) : query.getOrDefault("password", "");
        int port = m.group(5) != null ? Integer.parseInt(m.group(5)) : defaultPort;
        String database = m.group(6) != null && !m.group(6).isEmpty() ? m.group(6) : defaultDatabase;
        return new JdbcAddress(m.group(4), port, database, user, password);
    }
}
