package io.kvframework.analytics;

import io.kvframework.core.Column;
import io.kvframework.core.EntityModel;
import java.time.Duration;

/** The three entities of the model-based test: a unique index, a composite key, several indexes each. */
public final class ModelEntities {
    private ModelEntities() {
    }

    /** Unique {@code email}, indexed {@code tier}. */
    public record Customer(String id, String email, String tier, long balance, long version) {
        static final Column<Customer, String> ID = Column.builder("id", String.class, Customer::id).nullable(false).maxLength(64).build();
        static final Column<Customer, String> EMAIL = Column.builder("email", String.class, Customer::email).maxLength(64).build();
        static final Column<Customer, String> TIER = Column.builder("tier", String.class, Customer::tier).maxLength(16).build();
        static final Column<Customer, Long> BALANCE = Column.builder("balance", Long.class, Customer::balance).nullable(false).build();
        public static final EntityModel<Customer> MODEL = EntityModel.builder(Customer.class, "mb_customers").columns(ID, EMAIL, TIER, BALANCE)
                .key(ID).uniqueIndex("by_email", EMAIL).index("by_tier", TIER).ttl(Duration.ofMillis(300))
                .factory(r -> new Customer(r.get(ID), r.get(EMAIL), r.get(TIER), r.get(BALANCE), r.version())).build();
    }

    /** Composite key ({@code order_id}, {@code line}); indexed {@code sku} and {@code status}. */
    public record Line(String orderId, int line, String sku, String status, long qty, long version) {
        static final Column<Line, String> ORDER_ID = Column.builder("order_id", String.class, Line::orderId).nullable(false).maxLength(64)
                .build();
        static final Column<Line, Integer> LINE = Column.builder("line", Integer.class, Line::line).nullable(false).build();
        static final Column<Line, String> SKU = Column.builder("sku", String.class, Line::sku).maxLength(32).build();
        static final Column<Line, String> STATUS = Column.builder("status", String.class, Line::status).maxLength(16).build();
        static final Column<Line, Long> QTY = Column.builder("qty", Long.class, Line::qty).nullable(false).build();
        public static final EntityModel<Line> MODEL = EntityModel.builder(Line.class, "mb_lines").columns(ORDER_ID, LINE, SKU, STATUS, QTY)
                .key(ORDER_ID, LINE).index("by_sku", SKU).index("by_status", STATUS).ttl(Duration.ofMillis(300))
                .factory(r -> new Line(r.get(ORDER_ID), r.get(LINE), r.get(SKU), r.get(STATUS), r.get(QTY), r.version())).build();
    }

    /** Indexed {@code owner} and {@code kind}. */
    public record Device(String id, String owner, String kind, long seen, long version) {
        static final Column<Device, String> ID = Column.builder("id", String.class, Device::id).nullable(false).maxLength(64).build();
        static final Column<Device, String> OWNER = Column.builder("owner", String.class, Device::owner).maxLength(32).build();
        static final Column<Device, String> KIND = Column.builder("kind", String.class, Device::kind).maxLength(16).build();
        static final Column<Device, Long> SEEN = Column.builder("seen", Long.class, Device::seen).nullable(false).build();
        public static final EntityModel<Device> MODEL = EntityModel.builder(Device.class, "mb_devices").columns(ID, OWNER, KIND, SEEN)
                .key(ID).index("by_owner", OWNER).index("by_kind", KIND).ttl(Duration.ofMillis(300))
                .factory(r -> new Device(r.get(ID), r.get(OWNER), r.get(KIND), r.get(SEEN), r.version())).build();
    }
}
