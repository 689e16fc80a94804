package io.kvframework.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The exception types carry their meaning: callers branch on types, never on message text. */
class ExceptionTreeTest {

    @Test
    void whatMayPassIsTransientAndWhatCannotIsNot() {
        for (Class<?> transientType : List.of(KvUnavailableException.class, WriteNotAppliedException.class,
                WriteOutcomeUnknownException.class, ConcurrentWriteException.class)) {
            assertThat(TransientKvException.class).as(transientType.getSimpleName()).isAssignableFrom(transientType);
        }
        for (Class<?> permanent : List.of(DuplicateKeyException.class, InvalidValueException.class, UnknownColumnException.class,
                UnknownTableException.class, UnindexedQueryException.class, NonUniqueResultException.class, InvalidModelException.class,
                SchemaMismatchException.class, OptimisticLockException.class)) {
            assertThat(NonTransientKvException.class).as(permanent.getSimpleName()).isAssignableFrom(permanent);
            assertThat(TransientKvException.class.isAssignableFrom(permanent)).as(permanent.getSimpleName()).isFalse();
        }
    }

    @Test
    void aWriteThatFailedSaysByItsTypeWhetherItHappened() {
        assertThat(WriteNotAppliedException.class.isAssignableFrom(WriteOutcomeUnknownException.class)).isFalse();
        assertThat(WriteOutcomeUnknownException.class.isAssignableFrom(WriteNotAppliedException.class)).isFalse();
        assertThat(KvUnavailableException.class).isAssignableFrom(WriteNotAppliedException.class)
                .isAssignableFrom(WriteOutcomeUnknownException.class);
    }
}
