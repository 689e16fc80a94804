package io.kvframework.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo, run as the README runs it but smaller, against the servers the testkit provides. */
class OrderServiceDemoIT {

    @Test
    void theDemoEndsConsistentAcrossEveryStore() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        OrderServiceDemo.Counts counts = new OrderServiceDemo(OrderServiceDemo.Settings.parse("--orders", "3000", "--threads", "4"), out)
                .run();
        String printed = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        List<String> lines = printed.lines().toList();
        assertThat(counts.consistent()).as(printed).isTrue();
        assertThat(counts.expected()).isBetween(2000L, 3000L);
        assertThat(counts.redis()).isEqualTo(counts.expected());
        assertThat(lines.get(lines.size() - 1)).isEqualTo("consistent: redis=" + counts.expected() + " postgres=" + counts.expected()
                + " kafka=" + counts.expected() + (counts.clickhouse() >= 0 ? " clickhouse=" + counts.expected() : ""));
        assertThat(printed).contains("writes/s", "read hit ratio", "drain lag (write to PostgreSQL commit): p50");
    }

    @Test
    void badOptionsAreRefusedByName() {
        assertThatThrownBy(() -> OrderServiceDemo.Settings.parse("--orders", "-3")).hasMessage("--orders needs a positive number, got '-3'");
        assertThatThrownBy(() -> OrderServiceDemo.Settings.parse("--fast")).hasMessageContaining("unknown option '--fast'");
        assertThatThrownBy(() -> OrderServiceDemo.Settings.parse("--threads")).hasMessage("--threads needs a number");
    }

    @Test
    void theCountsDecideConsistency() {
        assertThat(new OrderServiceDemo.Counts(5, 5, 5, 5, -1, 0).line()).isEqualTo("consistent: redis=5 postgres=5 kafka=5");
        assertThat(new OrderServiceDemo.Counts(5, 5, 5, 5, 5, 0).line()).isEqualTo("consistent: redis=5 postgres=5 kafka=5 clickhouse=5");
        assertThat(new OrderServiceDemo.Counts(5, 5, 4, 5, -1, 0).consistent()).isFalse();
        assertThat(new OrderServiceDemo.Counts(5, 5, 5, 5, 4, 0).consistent()).isFalse();
        assertThat(new OrderServiceDemo.Counts(5, 5, 5, 5, -1, 1).line()).startsWith("INCONSISTENT: redis=5");
    }
}
