package io.kvframework.core.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyEncodingTest {

    @Test
    void keepsSafeCharactersAndEscapesEverythingElse() {
        assertThat(KeyEncoding.encode("Order-17_a.b")).isEqualTo("Order-17_a.b");
        assertThat(KeyEncoding.encode("a:b {c} d%~")).isEqualTo("a%3Ab%20%7Bc%7D%20d%25%7E");
        assertThat(KeyEncoding.encode("ü✓")).isEqualTo("%C3%BC%E2%9C%93");
    }

    @Test
    void roundTripsAndNeverCollides() {
        List<String> values = List.of("", "a", "a:b", "a%3Ab", "~", "%7E", "{x}", "x y", "ünï", "\u0000", "a\nb");
        Set<String> encoded = new HashSet<>();
        for (String v : values) {
            String e = KeyEncoding.encode(v);
            assertThat(e).doesNotContain(":").doesNotContain("{").doesNotContain("}").doesNotContain(" ").doesNotContain("~");
            assertThat(KeyEncoding.decode(e)).isEqualTo(v);
            assertThat(encoded.add(e)).as("collision for %s", v).isTrue();
        }
    }
}
