package io.kvframework.processortest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvframework.core.ColumnType;
import io.kvframework.core.DuplicateKeyException;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvOptions;
import io.kvframework.sql.SqlDatabase;
import io.kvframework.sql.SqlTable;
import io.kvframework.testkit.KvTest;
import io.kvframework.testkit.RedisServer;
import io.kvframework.testkit.TestNamespace;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** What the generated Table and Repository classes do, against real Redis and PostgreSQL. */
@KvTest
class GeneratedRepositoryIT {

    private static KvClient client(RedisServer redis, DataSource db, TestNamespace ns) {
        KvClient kv = KvClient.builder().redis(redis.redisUri()).dataSource(db)
                .options(KvOptions.builder().namespace(ns.value()).shards(8).build()).build();
        new SqlTable<>(CustomerTable.MODEL, kv.dialect()).createTable(SqlDatabase.of(kv.database()).dsl()).forEach(q -> q.execute());
        new SqlTable<>(ShipmentTable.MODEL, kv.dialect()).createTable(SqlDatabase.of(kv.database()).dsl()).forEach(q -> q.execute());
        return kv;
    }

    @Test
    void generatedModelsDescribeTheRecords() {
        assertThat(CustomerTable.MODEL.table()).isEqualTo("customers");
        assertThat(CustomerTable.MODEL.columns()).extracting(c -> c.name())
                .containsExactly("id", "email", "full_name", "tier", "loyalty_points", "preferences", "signed_up_at");
        assertThat(CustomerTable.MODEL.key()).containsExactly(CustomerTable.ID);
        assertThat(CustomerTable.MODEL.ttl()).contains(Duration.ofMinutes(10));
        assertThat(CustomerTable.MODEL.indexes()).extracting(i -> i.name() + ":" + i.unique()).containsExactly("by_email:true", "by_tier:false");
        assertThat(CustomerTable.PREFERENCES.type()).isEqualTo(ColumnType.JSON);
        assertThat(CustomerTable.LOYALTY_POINTS.nullable()).isFalse();
        assertThat(CustomerTable.FULL_NAME.nullable()).isFalse();
        assertThat(CustomerTable.EMAIL.maxLength()).isEqualTo(320);
        assertThat(ShipmentTable.MODEL.key()).containsExactly(ShipmentTable.ORDER_ID, ShipmentTable.SEQ);
        assertThat(ShipmentTable.MODEL.indexes()).extracting(i -> i.name() + ":" + i.columnNames())
                .containsExactly("by_carrier_day:[carrier, ship_day]", "key_order_id:[order_id]");
        assertThat(ShipmentTable.LABEL.type()).isEqualTo(ColumnType.BYTES);
        assertThat(ShipmentTable.TO.type()).isEqualTo(ColumnType.JSON);
    }

    @Test
    void generatedRepositoryCreatesFindsUpdatesDeletes(RedisServer redis, DataSource db, TestNamespace ns) {
        try (KvClient kv = client(redis, db, ns)) {
            CustomerRepository customers = new CustomerRepository(kv);
            Customer ada = new Customer("c1", "ada@example.com", "Ada", Customer.Tier.GOLD, 10,
                    Map.of("news", List.of("weekly")), Instant.parse("2026-01-01T00:00:00Z"), 0);
            Customer stored = customers.createWithKV(ada);
            assertThat(stored.version()).isEqualTo(1);
            assertThat(customers.findById("c1")).hasValueSatisfying(c -> {
                assertThat(c.preferences()).containsEntry("news", List.of("weekly"));
                assertThat(c.tier()).isEqualTo(Customer.Tier.GOLD);
            });
            assertThat(customers.findAllWithKV(CustomerTable.TIER.eq(Customer.Tier.GOLD))).extracting(Customer::id).containsExactly("c1");
            assertThatThrownBy(() -> customers.createWithKV(new Customer("c2", "ada@example.com", "Other", null, 0, null, null, 0)))
                    .isInstanceOf(DuplicateKeyException.class);
            assertThat(customers.updateOneWithKV(CustomerTable.LOYALTY_POINTS.set(11), CustomerRepository.byKey("c1"), 1))
                    .hasValueSatisfying(c -> assertThat(c.version()).isEqualTo(2));
            assertThat(customers.deleteById("c1")).isTrue();
            assertThat(customers.findById("c1")).isEmpty();

            ShipmentRepository shipments = new ShipmentRepository(kv);
            Shipment s = new Shipment("o1", 2, "ups", LocalDate.of(2026, 3, 1), new BigDecimal("1.25"),
                    new Shipment.Address("Main St 1", "Oslo", "NO"), new byte[] {1, 2, 3});
            shipments.createWithKV(s);
            assertThat(shipments.findById("o1", 2)).hasValueSatisfying(found -> {
                assertThat(found.to()).isEqualTo(s.to());
                assertThat(found.label()).containsExactly(1, 2, 3);
            });
            assertThat(shipments.findAllWithKV(ShipmentTable.CARRIER.eq("ups").and(ShipmentTable.SHIP_DAY.eq(LocalDate.of(2026, 3, 1)))))
                    .hasSize(1);
            // a finder per index: both columns of the composite index, in index order
            assertThat(shipments.findAllByCarrierAndShipDay("ups", LocalDate.of(2026, 3, 1))).extracting(Shipment::seq).containsExactly(2);
            assertThat(shipments.findAllByCarrierAndShipDay("dhl", LocalDate.of(2026, 3, 1))).isEmpty();
            // the leading part of the composite key is an index of its own
            shipments.createWithKV(new Shipment("o1", 3, "dhl", LocalDate.of(2026, 3, 2), null, null, null));
            assertThat(shipments.findAllByOrderId("o1")).extracting(Shipment::seq).containsExactlyInAnyOrder(2, 3);
            assertThat(shipments.findAllByOrderId("o2")).isEmpty();
        }
    }

    @Test
    void generatedFindersSaveCountAndDeleteOne(RedisServer redis, DataSource db, TestNamespace ns) {
        try (KvClient kv = client(redis, db, ns)) {
            CustomerRepository customers = new CustomerRepository(kv);
            Customer ada = new Customer("c1", "ada@example.com", "Ada", Customer.Tier.GOLD, 10, null, null, 0);
            customers.saveWithKV(ada);
            customers.saveWithKV(new Customer("c2", "bob@example.com", "Bob", Customer.Tier.GOLD, 3, null, null, 0));
            // unique index: Optional; plain index: List
            assertThat(customers.findByEmail("ada@example.com")).map(Customer::id).contains("c1");
            assertThat(customers.findByEmail("nobody@example.com")).isEmpty();
            assertThat(customers.findAllByTier(Customer.Tier.GOLD)).extracting(Customer::id).containsExactlyInAnyOrder("c1", "c2");
            assertThat(customers.countWithKV(CustomerTable.TIER.eq(Customer.Tier.GOLD))).isEqualTo(2);
            assertThat(customers.saveWithKV(new Customer("c1", "ada@example.com", "Ada L.", Customer.Tier.SILVER, 10, null, null, 0), 1)
                    .version()).isEqualTo(2);
            assertThat(customers.findAllByTier(Customer.Tier.GOLD)).extracting(Customer::id).containsExactly("c2");
            assertThat(customers.existsWithKV(CustomerTable.TIER.eq(Customer.Tier.SILVER))).isTrue();
            assertThat(customers.deleteOneWithKV(CustomerRepository.byKey("c2"))).isTrue();
            assertThat(customers.deleteOneWithKV(CustomerRepository.byKey("c2"))).isFalse();
        }
    }
}
