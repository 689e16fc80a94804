package io.kvframework.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.core.InvalidValueException;
import io.kvframework.core.UnknownTableException;
import io.kvframework.core.sink.ChangeSink;
import io.kvframework.core.sink.FencedException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

/** How database failures are handled is decided by types and SQLState classes, never by message text. */
class FailureClassificationTest {

    private static ChangeSink.Failure of(Throwable t) {
        return DatabaseSink.classifyFailure(t);
    }

    private static DataAccessException jooq(String sqlState) {
        return new DataAccessException("statement failed", new SQLException("whatever the driver says", sqlState));
    }

    @Test
    void dataAndIntegrityErrorsArePermanent() {
        assertThat(of(jooq("22001"))).as("value too long").isEqualTo(ChangeSink.Failure.PERMANENT);
        assertThat(of(jooq("22P05"))).as("untranslatable character").isEqualTo(ChangeSink.Failure.PERMANENT);
        assertThat(of(jooq("23514"))).as("check constraint").isEqualTo(ChangeSink.Failure.PERMANENT);
        assertThat(of(new InvalidValueException("bad value"))).isEqualTo(ChangeSink.Failure.PERMANENT);
        assertThat(of(new IllegalStateException("wrapped", new UnknownTableException("no table")))).isEqualTo(ChangeSink.Failure.PERMANENT);
    }

    @Test
    void connectionsResourcesDeadlocksAndSchemaProblemsAreRetried() {
        assertThat(of(jooq("08006"))).as("connection failure").isEqualTo(ChangeSink.Failure.TRANSIENT);
        assertThat(of(jooq("40001"))).as("serialization failure").isEqualTo(ChangeSink.Failure.TRANSIENT);
        assertThat(of(jooq("40P01"))).as("deadlock").isEqualTo(ChangeSink.Failure.TRANSIENT);
        assertThat(of(jooq("53300"))).as("too many connections").isEqualTo(ChangeSink.Failure.TRANSIENT);
        assertThat(of(jooq("42P01"))).as("undefined table: fixing the schema resumes draining").isEqualTo(ChangeSink.Failure.TRANSIENT);
        assertThat(of(new DataAccessException("no connection", new SQLTransientConnectionException("timeout")))).isEqualTo(
                ChangeSink.Failure.TRANSIENT);
        assertThat(of(new IOException("reset"))).isEqualTo(ChangeSink.Failure.TRANSIENT);
        assertThat(of(new RuntimeException("unknown"))).as("unknown failures are retried, never dead-lettered")
                .isEqualTo(ChangeSink.Failure.TRANSIENT);
    }

    @Test
    void aLostFenceIsFenced() {
        assertThat(of(new DataAccessException("tx", new FencedException("shard 3 fenced")))).isEqualTo(ChangeSink.Failure.FENCED);
    }

    @Test
    void unreachableIsAConnectionProblem() {
        assertThat(DatabaseSink.unreachable(jooq("08001"))).isTrue();
        assertThat(DatabaseSink.unreachable(new DataAccessException("x", new java.net.ConnectException("refused")))).isTrue();
        assertThat(DatabaseSink.unreachable(jooq("23505"))).isFalse();
    }
}
