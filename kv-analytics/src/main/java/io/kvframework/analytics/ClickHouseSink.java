package io.kvframework.analytics;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvframework.core.ChangeEvent;
import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import io.kvframework.core.support.JsonMapper;
import io.kvframework.stream.Bisection;
import io.kvframework.stream.RetryLoop;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the bridge's topics into ClickHouse: a Kafka consumer group that batches by count and time,
 * inserts each table's rows with {@code client-v2} as {@code JSONEachRow} into the
 * {@link ClickHouseDdl ReplacingMergeTree} tables, and commits the Kafka offsets only after the
 * insert succeeded. A failed insert is retried (with backoff) until it succeeds; rows that ClickHouse
 * rejects, and records that are not KV envelopes, go to the dead-letter topic {@code <topic>.dlq}
 * with the reason in the header {@code kv.error}. Query the deduplicated view with
 * {@code SELECT … FROM t FINAL WHERE is_deleted = 0}.
 */
public final class ClickHouseSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("kv-clickhouse");
    private static final DateTimeFormatter CH_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Retry pauses while ClickHouse fails: from 100 ms, doubling, up to 5 s (the engine's backoff). */
    private static final Duration RETRY_INITIAL = Duration.ofMillis(100);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);

    private final Client clickhouse;
    private final String database;
    private final Map<String, EntityModel<?>> byTopic = new LinkedHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> dlq;
    private final int batchSize;
    private final Duration linger;
    private final io.micrometer.core.instrument.Counter insertedRows;
    private final io.micrometer.core.instrument.Counter retriesCounter;
    private final io.micrometer.core.instrument.Counter deadLettersCounter;
    private final io.micrometer.core.instrument.Timer insertLatency;
    private volatile boolean running;
    private final RetryLoop retry;
    private Thread worker;
    private long rowsInserted;

    /**
     * @param kafkaBootstrap Kafka bootstrap servers
     * @param topicPattern the bridge's topic pattern, for example {@code kv.{table}}
     * @param clickhouse a client-v2 client (server-response compression off for ClickHouse 18.x)
     * @param database ClickHouse database of the tables (created if missing)
     * @param models the entities to load
     */
    public ClickHouseSink(String kafkaBootstrap, String topicPattern, Client clickhouse, String database, List<EntityModel<?>> models,
            int batchSize, Duration linger) {
        this(kafkaBootstrap, topicPattern, clickhouse, database, models, batchSize, linger,
                io.micrometer.core.instrument.Metrics.globalRegistry);
    }

    /**
     * As above, with Micrometer meters {@code kv.clickhouse.rows}, {@code kv.clickhouse.retries},
     * {@code kv.clickhouse.dead.letters} and {@code kv.clickhouse.insert.latency} (tag {@code database}).
     */
    public ClickHouseSink(String kafkaBootstrap, String topicPattern, Client clickhouse, String database, List<EntityModel<?>> models,
            int batchSize, Duration linger, io.micrometer.core.instrument.MeterRegistry registry) {
        this.insertedRows = io.micrometer.core.instrument.Counter.builder("kv.clickhouse.rows").tag("database", database).register(registry);
        this.retriesCounter = io.micrometer.core.instrument.Counter.builder("kv.clickhouse.retries").tag("database", database).register(registry);
        this.retry = new RetryLoop(LOG, "kv-clickhouse: insert", RETRY_INITIAL, RETRY_MAX, retriesCounter::increment);
        this.deadLettersCounter = io.micrometer.core.instrument.Counter.builder("kv.clickhouse.dead.letters").tag("database", database)
                .register(registry);
        this.insertLatency = io.micrometer.core.instrument.Timer.builder("kv.clickhouse.insert.latency").tag("database", database)
                .publishPercentiles(0.5, 0.99).register(registry);
        this.clickhouse = clickhouse;
        this.database = database;
        this.batchSize = batchSize;
        this.linger = linger;
        for (EntityModel<?> m : models) {
            byTopic.put(topicPattern.replace("{table}", m.table()), m);
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "kv-clickhouse-" + database);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(batchSize));
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.dlq = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates the database and the tables (CREATE … IF NOT EXISTS). */
    public void createTables() throws Exception {
        execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
        for (EntityModel<?> m : byTopic.values()) {
            execute(ClickHouseDdl.createTable(m, database));
        }
    }

    private void execute(String sql) throws Exception {
        clickhouse.execute(sql).get(60, TimeUnit.SECONDS).close();
    }

    public ClickHouseSink start() {
        running = true;
        consumer.subscribe(new ArrayList<>(byTopic.keySet()));
        worker = new Thread(this::loop, "kv-clickhouse-" + database);
        worker.setDaemon(true);
        worker.start();
        return this;
    }

    /** Whether the last insert failed (ClickHouse unreachable); the sink keeps retrying. */
    public boolean failing() {
        return retry.failing();
    }

    /** Rows inserted so far. */
    public synchronized long rowsInserted() {
        return rowsInserted;
    }

    private void loop() {
        try {
            List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
            long first = 0;
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (batch.isEmpty()) {
                        first = System.currentTimeMillis();
                    }
                    batch.add(r);
                }
                if (!batch.isEmpty() && (batch.size() >= batchSize || System.currentTimeMillis() - first >= linger.toMillis())) {
                    if (insertWithRetry(batch)) {
                        commit(batch);
                        batch.clear();
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("kv-clickhouse: stopped by {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(10));
        }
    }

    private void commit(List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        consumer.commitSync(offsets);
    }

    /** Inserts a batch, retrying until it succeeds; false only when the sink is stopping. */
    private boolean insertWithRetry(List<ConsumerRecord<String, byte[]>> batch) {
        Map<EntityModel<?>, List<ConsumerRecord<String, byte[]>>> byTable = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            EntityModel<?> m = byTopic.get(r.topic());
            byTable.computeIfAbsent(m, k -> new ArrayList<>()).add(r);
        }
        return retry.run(() -> {
            for (Map.Entry<EntityModel<?>, List<ConsumerRecord<String, byte[]>>> e : byTable.entrySet()) {
                insert(e.getKey(), e.getValue());
            }
        }, e -> RetryLoop.Verdict.RETRY, () -> running) == null;
    }

    private void insert(EntityModel<?> model, List<ConsumerRecord<String, byte[]>> records) throws Exception {
        List<byte[]> lines = new ArrayList<>();
        List<ConsumerRecord<String, byte[]>> sources = new ArrayList<>();
        String now = LocalDateTime.now(ZoneOffset.UTC).format(CH_DATETIME);
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                lines.add(line(model, ChangeEnvelope.fromJson(r.value()), now));
                sources.add(r);
            } catch (RuntimeException poison) {
                deadLetter(r, poison);
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        try {
            insertLines(model, lines);
        } catch (com.clickhouse.client.api.ServerException rejected) {
            // ClickHouse refused the data: bisect down to the rows it refuses and dead-letter them (the engine's bisection)
            List<Integer> rows = java.util.stream.IntStream.range(0, lines.size()).boxed().toList();
            Exception[] refusal = {rejected};
            Bisection.bisect(rows, part -> {
                try {
                    insertLines(model, part.stream().map(lines::get).toList());
                    return Bisection.Attempt.WRITTEN;
                } catch (com.clickhouse.client.api.ServerException e) {
                    refusal[0] = e;
                    return Bisection.Attempt.PERMANENT;
                } catch (Exception e) {
                    throw new IllegalStateException("kv-clickhouse: insert failed while isolating refused rows: " + e, e);
                }
            }, i -> deadLetter(sources.get(i), refusal[0]));
            return;
        }
        synchronized (this) {
            rowsInserted += lines.size();
        }
        insertedRows.increment(lines.size());
    }

    private void insertLines(EntityModel<?> model, List<byte[]> lines) throws Exception {
        long started = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            out.write(l);
            out.write('\n');
        }
        clickhouse.insert("`" + database + "`.`" + model.table() + "`", new ByteArrayInputStream(out.toByteArray()), ClickHouseFormat.JSONEachRow)
                .get(60, TimeUnit.SECONDS).close();
        insertLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    /** One JSONEachRow line of a change: columns as ClickHouse types them, version, the delete marker, when it was ingested. */
    static byte[] line(EntityModel<?> model, ChangeEvent e, String now) throws Exception {
        if (!e.table().equals(model.table())) {
            throw new IllegalArgumentException("record of table " + e.table() + " in the topic of " + model.table());
        }
        ObjectNode row = JsonMapper.MAPPER.createObjectNode();
        for (Column<?, ?> c : model.columns()) {
            String v = e.row().get(c.name());
            if (v == null) {
                row.putNull(c.name());
                continue;
            }
            switch (c.type()) {
                case INT, SHORT, LONG -> row.put(c.name(), Long.parseLong(v));
                case DOUBLE -> row.put(c.name(), Double.parseDouble(v));
                case BOOLEAN -> row.put(c.name(), Boolean.parseBoolean(v) ? 1 : 0);
                default -> row.put(c.name(), v);
            }
        }
        row.put("version", e.version());
        row.put("is_deleted", e.op() == ChangeEvent.Op.DELETE ? 1 : 0);
        row.put("ingested_at", now);
        return JsonMapper.MAPPER.writeValueAsBytes(row);
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, Exception reason) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(r.topic() + ".dlq", r.key(), r.value());
        out.headers().add("kv.error", String.valueOf(reason.getMessage()).getBytes(StandardCharsets.UTF_8));
        out.headers().add("kv.source", (r.topic() + "/" + r.partition() + "/" + r.offset()).getBytes(StandardCharsets.UTF_8));
        try {
            dlq.send(out).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("kv-clickhouse: cannot write the dead letter of " + r.topic() + "/" + r.offset(), e);
        }
        deadLettersCounter.increment();
        LOG.warn("kv-clickhouse: dead-lettered {}/{}/{}: {}", r.topic(), r.partition(), r.offset(), reason.getMessage());
    }

    @Override
    public void close() {
        running = false;
        if (worker != null) {
            try {
                worker.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        dlq.close(Duration.ofSeconds(10));
    }
}
