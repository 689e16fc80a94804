package io.kvframework.bench;

import com.clickhouse.client.api.Client;
import io.kvframework.analytics.ChangeEnvelope;
import io.kvframework.analytics.ClickHouseSink;
import io.kvframework.analytics.KafkaBridge;
import io.kvframework.analytics.KafkaSink;
import io.kvframework.core.ChangeEvent;
import io.kvframework.core.KvRepository;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.stream.EngineOptions;
import io.kvframework.testkit.ClickHouseServer;
import io.kvframework.testkit.KafkaServer;
import io.kvframework.testkit.Servers;
import io.kvframework.testkit.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Bridge events/s against a raw idempotent producer sending the same records; ClickHouse sink rows/s. */
final class AnalyticsBench {
    private final boolean quick;

    AnalyticsBench(boolean quick) {
        this.quick = quick;
    }

    List<Map<String, Object>> run() throws Exception {
        // 100,000 events a round in quick mode too, as the drain comparisons (shorter rounds measured the JIT)
        int events = Integer.getInteger("kv.bench.bridgeEvents", 100_000);
        int rounds = quick ? 3 : 5;
        KafkaServer kafka = Servers.kafka();
        TestNamespace ns = TestNamespace.create();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (KvClient kv = KvClient.builder().redis(Servers.redis().redisUri())
                .options(KvOptions.builder().namespace(ns.value()).build()).build()) {
            KvRepository<BenchOrder> repo = kv.repository(BenchOrderTable.MODEL);
            String topics = ns.value() + ".{table}";
            String rawTopic = ns.value() + ".raw";
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(rawTopic, 3, (short) 1))).all()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            List<ProducerRecord<String, byte[]>> records = records(rawTopic, events);
            // rounds alternate (bridge first, then producer first, ...) after one warm-up round of each that is not counted:
            // the JIT compiles both paths before the clock runs (a first round spent a third of the machine compiling)
            List<Double> ours = new ArrayList<>();
            List<Double> baseline = new ArrayList<>();
            ProcessCpu.Tally oursCpu = new ProcessCpu.Tally();
            ProcessCpu.Tally baseCpu = new ProcessCpu.Tally();
            int sent = 0;
            for (int r = 0; r <= rounds; r++) {
                boolean bridgeFirst = r % 2 == 0;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == bridgeFirst) {
                        DrainBench.fill(repo, "e" + r + "-", events);
                        double rate = bridgeRound(kv, kafka, topics, r > 0 ? oursCpu : new ProcessCpu.Tally(), events);
                        sent += events;
                        if (r > 0) {
                            ours.add(rate);
                        }
                    } else {
                        ProcessCpu.Tally cpu = r > 0 ? baseCpu : new ProcessCpu.Tally();
                        cpu.start();
                        double rate = producerRound(kafka, records);
                        cpu.stop(events);
                        if (r > 0) {
                            baseline.add(rate);
                        }
                    }
                }
            }
            rows.add(row("Kafka bridge events/s vs a fair producer (same topic partitions, headers, payload, settings; " + events
                    + " events a round, median of " + rounds + " rounds; CPU per event, the in-JVM broker's included: ours "
                    + ProcessCpu.describe(oursCpu.perUnit()) + ", baseline " + ProcessCpu.describe(baseCpu.perUnit()) + ")", Results.median(ours),
                    Results.median(baseline), "events/s"));

            // ClickHouse sink: load the bridge's topic (warm-up and measured events) into ClickHouse
            ClickHouseServer ch = Servers.clickhouse();
            try (Client client = ch.newClient();
                    ClickHouseSink sink = new ClickHouseSink(kafka.bootstrapServers(), topics, client, ns.value(), List.of(BenchOrderTable.MODEL),
                            5000, Duration.ofMillis(200))) {
                sink.createTables();
                long t2 = System.nanoTime();
                sink.start();
                long total = sent;
                long deadline = System.currentTimeMillis() + 300_000;
                while (sink.rowsInserted() < total && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                if (sink.rowsInserted() < total) {
                    throw new IllegalStateException("ClickHouse sink inserted " + sink.rowsInserted() + " of " + total + " rows");
                }
                double rate = total / ((System.nanoTime() - t2) / 1e9);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", "ClickHouse sink rows/s (" + total + " rows, ClickHouse " + ch.source().name().toLowerCase() + ")");
                r.put("ours", (double) Math.round(rate));
                r.put("baseline", 0.0);
                r.put("unit", "rows/s (no baseline: reported)");
                r.put("ratio", 0.0);
                r.put("better", "higher");
                rows.add(r);
            }
        }
        return rows;
    }

    /** Events/s of a bridge started on the backlog: from owning every shard to its last commit. */
    private static double bridgeRound(KvClient kv, KafkaServer kafka, String topics, ProcessCpu.Tally cpu, int events) throws Exception {
        cpu.start();
        try (KafkaBridge bridge = bridge(kv, kafka, topics)) {
            java.util.concurrent.atomic.AtomicLong lastCommit = new java.util.concurrent.atomic.AtomicLong();
            bridge.engine().addCommitListener(batch -> lastCommit.set(System.nanoTime()));
            bridge.start();
            while (bridge.engine().ownedShards().size() < kv.keys().shards()) {
                Thread.sleep(1);
            }
            long t0 = System.nanoTime();
            long work = bridge.engine().backlog();
            if (!bridge.awaitDrained(Duration.ofMinutes(5))) {
                throw new IllegalStateException("bridge did not send " + work + " events within 5 minutes");
            }
            cpu.stop(events);
            return work / ((lastCommit.get() - t0) / 1e9);
        }
    }

    /**
     * The fair producer: the same envelopes, keys and kv.* headers into a topic with the bridge's 3
     * partitions, the bridge's producer settings (idempotent, acks=all, lz4, linger 5 ms), flushed
     * once at the end; a new producer each round, as the bridge's.
     */
    private static double producerRound(KafkaServer kafka, List<ProducerRecord<String, byte[]>> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(records.get(0).topic());
            long t1 = System.nanoTime();
            List<Future<?>> sent = new ArrayList<>(records.size());
            for (ProducerRecord<String, byte[]> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
            return records.size() / ((System.nanoTime() - t1) / 1e9);
        }
    }

    /** The records the bridge sends for {@code events} created rows, built before the clock runs. */
    private static List<ProducerRecord<String, byte[]>> records(String topic, int events) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            BenchOrder o = BenchOrder.sample("e" + i, i);
            Map<String, String> row = new LinkedHashMap<>();
            for (var c : BenchOrderTable.MODEL.columns()) {
                Object v = c.get(o);
                if (v != null) {
                    row.put(c.name(), c.encode(v));
                }
            }
            ChangeEvent e = new ChangeEvent("bench_orders", ChangeEvent.Op.CREATE, "e" + i, 1, System.currentTimeMillis(), row);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, e.key(), ChangeEnvelope.toJson(e));
            record.headers().add("kv.table", e.table().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            record.headers().add("kv.op", e.op().code().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            record.headers().add("kv.version", Long.toString(e.version()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            records.add(record);
        }
        return records;
    }


    private static KafkaBridge bridge(KvClient kv, KafkaServer kafka, String topics) {
        return KafkaBridge.create(kv, new KafkaSink(kafka.bootstrapServers(), topics, 3, (short) 1),
                EngineOptions.builder(KafkaBridge.GROUP).batchSize(2000).build());
    }


    private static Map<String, Object> row(String name, double ours, double baseline, String unit) {
        return Results.row(name, Math.round(ours), Math.round(baseline), unit, "higher");
    }
}
