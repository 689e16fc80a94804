package io.kvframework.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamIdsTest {
    @Test
    void theNextIdIsTheSmallestAbove() {
        assertThat(StreamGroups.nextId("0-0")).isEqualTo("0-1");
        assertThat(StreamGroups.nextId("1700000000000-41")).isEqualTo("1700000000000-42");
        // sequence numbers are unsigned 64-bit: past the signed range, and at the top the millisecond moves on
        assertThat(StreamGroups.nextId("5-9223372036854775807")).isEqualTo("5-9223372036854775808");
        assertThat(StreamGroups.nextId("5-18446744073709551615")).isEqualTo("6-0");
    }

    @Test
    void idsOrderByMillisecondsThenSequence() {
        assertThat(StreamGroups.compareIds("2-0", "10-0")).isNegative();
        assertThat(StreamGroups.compareIds("10-3", "10-12")).isNegative();
        assertThat(StreamGroups.compareIds("10-12", "10-12")).isZero();
        assertThat(StreamGroups.compareIds("10-18446744073709551615", "10-1")).isPositive();
        assertThat(StreamGroups.compareIds(StreamGroups.nextId("7-3"), "7-3")).isPositive();
    }
}
