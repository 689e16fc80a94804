package io.kvframework.analytics;

import io.kvframework.core.ChangeEvent;
import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.FencedException;
import io.kvframework.core.sink.ShardEvent;
import io.kvframework.core.sink.SinkBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Mirrors change events into Kafka: one topic per table (created if missing), record key = the
 * row's encoded primary key (so each key keeps its order in one partition), value = the
 * {@link ChangeEnvelope} JSON, headers {@code kv.table}, {@code kv.op}, {@code kv.version}. An
 * idempotent producer with {@code acks=all}; a batch counts as written only when the broker
 * confirmed every record ({@link #write} waits, {@link #writeAsync} completes then), and only then
 * does the engine acknowledge the stream entries. A redelivered entry
 * may appear twice in Kafka; consumers keep the highest version per key.
 */
public final class KafkaSink implements ChangeSink {
    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final String topicPattern;
    private final int partitions;
    private final short replication;
    /** Table → its topic, once the topic is known to exist (one map lookup per record). */
    private final Map<String, String> readyTopics = new ConcurrentHashMap<>();

    /**
     * @param bootstrapServers Kafka bootstrap servers
     * @param topicPattern topic name with {@code {table}}, for example {@code kv.{table}}
     * @param partitions partitions of topics this sink creates
     * @param replication replication factor of topics this sink creates
     */
    public KafkaSink(String bootstrapServers, String topicPattern, int partitions, short replication) {
        if (!topicPattern.contains("{table}")) {
            throw new IllegalArgumentException("KafkaSink topicPattern must contain {table}, got '" + topicPattern + "'");
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "kv-bridge");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000));
        this.topicPattern = topicPattern;
        this.partitions = partitions;
        this.replication = replication;
    }

    /** The topic of a table. */
    public String topic(String table) {
        return topicPattern.replace("{table}", table);
    }

    @Override
    public String name() {
        return "kafka";
    }

    /** Kafka gets every change, in stream order per shard (so per key), not only the last one. */
    @Override
    public boolean coalesce() {
        return false;
    }

    @Override
    public void write(SinkBatch batch) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.events().size());
        for (ShardEvent e : batch.events()) {
            sent.add(producer.send(record(e.event())));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Sends the batch's records and returns at once; the future completes when the broker confirmed
     * every record (no flush: the producer's linger sends them). Kafka keeps each partition's order
     * across batches in flight (idempotent producer, at most 5 requests in flight per connection).
     */
    @Override
    public CompletableFuture<Void> writeAsync(SinkBatch batch, CompletableFuture<Void> previous) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (batch.events().isEmpty()) {
            done.complete(null);
            return done;
        }
        AtomicInteger left = new AtomicInteger(batch.events().size());
        try {
            for (ShardEvent e : batch.events()) {
                producer.send(record(e.event()), (metadata, error) -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else if (left.decrementAndGet() == 0) {
                        done.complete(null);
                    }
                });
            }
        } catch (Exception e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private ProducerRecord<String, byte[]> record(ChangeEvent event) throws InterruptedException, ExecutionException,
            java.util.concurrent.TimeoutException {
        String topic = readyTopics.get(event.table());
        if (topic == null) {
            topic = topic(event.table());
            ensureTopic(topic);
            readyTopics.put(event.table(), topic);
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.key(), ChangeEnvelope.toJson(event));
        record.headers().add("kv.table", event.table().getBytes(StandardCharsets.UTF_8));
        record.headers().add("kv.op", event.op().code().getBytes(StandardCharsets.UTF_8));
        record.headers().add("kv.version", Long.toString(event.version()).getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private void ensureTopic(String topic) throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, replication))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        awaitLeaders(topic);
    }

    /**
     * Waits until every partition's leader serves requests (a {@code ListOffsets} to each succeeds),
     * at most 30 s. Sending to a topic created a moment ago can meet a leader that does not serve
     * yet: the first request fails with NOT_LEADER_OR_FOLLOWER, the broker accepts the next one as
     * the producer's first on that partition, and the retried first is refused as out of sequence
     * until it expires, after records sent behind it were written (seen in KafkaBridgeIT: a key's
     * version 1 reached Kafka after its version 4).
     */
    private void awaitLeaders(String topic) throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        int count = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < count; p++) {
            latest.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Override
    public Failure classify(Exception error) {
        Throwable t = error;
        while (t != null) {
            if (t instanceof FencedException) {
                return Failure.FENCED;
            }
            if (t instanceof RecordTooLargeException || t instanceof SerializationException) {
                return Failure.PERMANENT;
            }
            if (t instanceof RetriableException) {
                return Failure.TRANSIENT;
            }
            t = t.getCause();
        }
        return Failure.TRANSIENT;
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
        admin.close(java.time.Duration.ofSeconds(10));
    }
}
