package io.kvframework.cli;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.lettuce.core.RedisConnectionException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The operator CLI: {@code kv status | dlq | mode | drain | inspect}. It talks to the same Redis
 * (and, for {@code inspect}, the same database) as the application, through the key layout of
 * docs/anatomy.md; it needs no entity classes.
 *
 * <p>Exit codes: 0 success, 1 a check failed (not drained in time, a switch failed, nothing found),
 * 2 bad usage, 3 a server could not be reached.
 */
@Command(name = "kv", mixinStandardHelpOptions = true, version = "kv 0.1.0",
        description = "Operate a KV Framework deployment: shard lag and owners, dead letters, table modes, draining, one key's"
                + " whole story.",
        subcommands = {StatusCommand.class, DlqCommand.class, ModeCommand.class, DrainCommand.class, InspectCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 a check failed, 2 bad usage, 3 a server could not be reached.",
            "Options also come from the settings file named by KV_CONFIG and the environment, with the names the standalone"
                + " processes use: KV_REDIS_URL, KV_REDIS_CLUSTER, KV_NAMESPACE, KV_SHARDS, KV_DATABASE_URL, KV_DATABASE_USER, KV_DATABASE_PASSWORD."})
public final class KvCli {
    /** Exit code when a check fails. */
    public static final int FAILED = 1;
    /** Exit code when a server cannot be reached. */
    public static final int UNREACHABLE = 3;

    @Option(names = "--redis", scope = ScopeType.INHERIT, defaultValue = "redis://127.0.0.1:6379",
            description = "Redis URI (default: ${DEFAULT-VALUE}); a Sentinel-managed Redis as"
                    + " redis-sentinel://[password@]host:26379[,host2:26379]/0#mymaster")
    String redis;

    @Option(names = "--redis-cluster", scope = ScopeType.INHERIT, split = ",",
            description = "seed nodes of a Redis Cluster, comma-separated Redis URIs (instead of --redis)")
    List<String> redisCluster;

    @Option(names = "--namespace", scope = ScopeType.INHERIT, defaultValue = "kv",
            description = "key namespace of the application (KvOptions.namespace; default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--shards", scope = ScopeType.INHERIT, defaultValue = "64",
            description = "stream shards of the application (KvOptions.shards; default: ${DEFAULT-VALUE})")
    int shards;

    @Option(names = "--jdbc", scope = ScopeType.INHERIT,
            description = "JDBC URL of the application's database (inspect reads the row there)")
    String jdbc;

    @Option(names = "--db-user", scope = ScopeType.INHERIT, description = "database user")
    String dbUser;

    @Option(names = "--db-password", scope = ScopeType.INHERIT,
            description = "database password")
    String dbPassword;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print JSON instead of tables, for scripts")
    boolean json;

    /** Consumer groups status and drain look at by default. */
    static final List<String> GROUPS = List.of("drainer", "analytics");

    /** The Redis the CLI talks to, for messages. */
    String where() {
        return redisCluster != null && !redisCluster.isEmpty() ? "cluster " + String.join(",", redisCluster) : redis;
    }

    /** A client on the application's namespace (no database: the CLI reads rows itself). */
    KvClient client() {
        KvClient.Builder b = KvClient.builder()
                .options(KvOptions.builder().namespace(namespace).shards(shards).commandTimeout(Duration.ofSeconds(5)).build());
        if (redisCluster != null && !redisCluster.isEmpty()) {
            return b.redisCluster(redisCluster.stream().map(io.lettuce.core.RedisURI::create).toList()).build();
        }
        return b.redis(io.lettuce.core.RedisURI.create(redis)).build();
    }

    /** Option → setting: the CLI reads the same settings file and environment as the standalone processes. */
    private static final java.util.Map<String, io.kvframework.redis.config.Setting> SETTINGS = java.util.Map.of(
            "--redis", io.kvframework.redis.config.Setting.REDIS_URL,
            "--redis-cluster", io.kvframework.redis.config.Setting.REDIS_CLUSTER,
            "--namespace", io.kvframework.redis.config.Setting.NAMESPACE,
            "--shards", io.kvframework.redis.config.Setting.SHARDS,
            "--jdbc", io.kvframework.redis.config.Setting.DATABASE_URL,
            "--db-user", io.kvframework.redis.config.Setting.DATABASE_USER,
            "--db-password", io.kvframework.redis.config.Setting.DATABASE_PASSWORD);

    /** Runs the CLI and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(io.kvframework.redis.config.KvSettings.load(null), out, err, args);
    }

    /** Runs the CLI with these settings for the options not given on the command line. */
    static int run(io.kvframework.redis.config.KvSettings settings, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new KvCli());
        cli.setDefaultValueProvider(option -> {
            if (option instanceof CommandLine.Model.OptionSpec o) {
                io.kvframework.redis.config.Setting s = SETTINGS.get(o.longestName());
                String fromSettings = s == null ? null : settings.get(s);
                if (fromSettings != null && !fromSettings.isEmpty()) {
                    return fromSettings;
                }
            }
            return option.defaultValue();
        });
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            KvCli root = commandLine.getCommandSpec().root().commandLine().getCommand();
            String unreachable = unreachable(e, root);
            if (unreachable != null) {
                err.println("kv: " + unreachable);
                err.flush();
                return UNREACHABLE;
            }
            if (e instanceof IllegalArgumentException || e instanceof io.kvframework.core.KvException) {
                err.println("kv: " + e.getMessage());
                err.flush();
                return FAILED;
            }
            throw e;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    private static String unreachable(Throwable e, KvCli root) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisConnectionException || (t instanceof ConnectException && !(e instanceof SQLException))) {
                return "cannot reach Redis at " + root.where() + " (" + t.getMessage() + "); set --redis, --redis-cluster, KV_REDIS_URL or KV_REDIS_CLUSTER";
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return "cannot reach the database at " + root.jdbc + " (" + sql.getMessage() + "); set --jdbc or KV_DATABASE_URL";
            }
        }
        // reached but silent: a Redis command failed or timed out (told by the cause's type, not the message)
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.kvframework.core.KvUnavailableException && (t.getCause() instanceof io.lettuce.core.RedisException
                    || t.getCause() instanceof java.util.concurrent.TimeoutException)) {
                return "Redis at " + root.where() + " does not answer (" + t.getMessage() + ")";
            }
        }
        return null;
    }
}
