package io.kvframework.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JdbcAddressTest {

    @Test
    void parsesJdbcUrlWithQueryCredentials() {
        JdbcAddress a = JdbcAddress.parse("KV_POSTGRES_URL", "jdbc:postgresql://db.local:6543/orders?user=app&password=s%3Dcret",
                5432, "postgres", "postgres");
        assertThat(a).isEqualTo(new JdbcAddress("db.local", 6543, "orders", "app", "s=cret"));
    }

    @Test
    void parsesUriWithUserInfoAndDefaults() {
        JdbcAddress a = JdbcAddress.parse("KV_MARIADB_URL", "mariadb://root:pw@127.0.0.1", 3306, "mysql", "root");
        assertThat(a).isEqualTo(new JdbcAddress("127.0.0.1", 3306, "mysql", "root", "pw"));
    }

    @Test
    void rejectsGarbageNamingTheVariable() {
        assertThatThrownBy(() -> JdbcAddress.parse("KV_POSTGRES_URL", "not a url", 5432, "postgres", "postgres"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KV_POSTGRES_URL")
                .hasMessageContaining("not a url");
    }
}
