package io.kvframework.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (one node acting as broker and controller) inside this JVM,
 * from the {@code org.apache.kafka:kafka_2.13} artifacts. Stop and start keep the log folder, so a
 * restarted broker still has its topics and offsets.
 */
public final class InJvmKafka implements ServerLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger("kv-testkit");

    private final Properties properties;
    private final Path dir;
    private final int port;
    private KafkaRaftServer server;

    private InJvmKafka(Properties properties, Path dir, int port) {
        this.properties = properties;
        this.dir = dir;
        this.port = port;
    }

    public static Started launch() {
        keepJvmAlive();
        int port = Ports.free();
        int controllerPort = Ports.free();
        Path dir = TempDirs.create("kafka-" + port);
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("logs").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("log.flush.interval.messages", "9223372036854775807");
        p.setProperty("controlled.shutdown.enable", "false");
        p.setProperty("log.cleaner.enable", "false");
        format(p, dir);
        InJvmKafka kafka = new InJvmKafka(p, dir, port);
        kafka.start();
        LOG.info("kv-testkit: started in-JVM Kafka broker (KRaft) on 127.0.0.1:{}", port);
        return new Started("127.0.0.1", port, kafka);
    }

    private static void format(Properties p, Path dir) {
        Path file = dir.resolve("server.properties");
        try (OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            p.store(out, "kv-testkit in-JVM broker");
        } catch (IOException e) {
            throw new UncheckedIOException("kv-testkit: cannot write " + file, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            code = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()}, print);
        }
        if (code != 0) {
            throw new IllegalStateException("kv-testkit: formatting the Kafka log folder failed: "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    /** Kafka calls Exit on fatal errors; inside a test JVM that must not end the JVM. */
    private static void keepJvmAlive() {
        Exit.setExitProcedure((status, message) -> LOG.error("kv-testkit: in-JVM Kafka asked to exit({}): {}", status, message));
        Exit.setHaltProcedure((status, message) -> LOG.error("kv-testkit: in-JVM Kafka asked to halt({}): {}", status, message));
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
        s.startup();
        server = s;
        Ports.awaitListening("kafka", "127.0.0.1", port, Duration.ofSeconds(60));
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        Ports.awaitClosed("kafka", "127.0.0.1", port, Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            TempDirs.delete(dir);
        }
    }
}
