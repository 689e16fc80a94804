package io.kvframework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules an entity model must follow, each refused when the model is built and named in the message. */
class ModelRulesTest {
    record Doc(String id, String part, String title, String body, Double score, long version) {
    }

    private static Column<Doc, String> id() {
        return Column.builder("id", String.class, Doc::id).nullable(false).build();
    }

    private static EntityModel.Builder<Doc> doc() {
        return EntityModel.builder(Doc.class, "docs").factory(r -> new Doc(null, null, null, null, null, r.version()));
    }

    @Test
    void columnsAndKeysMustBeDeclaredOnce() {
        Column<Doc, String> a = id();
        Column<Doc, String> b = id();
        assertThatThrownBy(() -> doc().columns(a, b).key(a).build()).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("'id' is declared twice");
        assertThatThrownBy(() -> doc().columns(a).key(a, a).build()).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> doc().build()).hasMessageContaining("at least one column");
        assertThatThrownBy(() -> EntityModel.builder(Doc.class, "docs").columns(a).key(a).build()).hasMessageContaining("no entity factory");
    }

    @Test
    void keysCannotBeFloatingPoint() {
        Column<Doc, Double> score = Column.builder("score", Double.class, Doc::score).nullable(false).build();
        assertThatThrownBy(() -> doc().columns(score).key(score).build()).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("key column score");
    }

    @Test
    void indexesNeedANameColumnsAndAPlaceInTheModel() {
        Column<Doc, String> key = id();
        Column<Doc, String> title = Column.builder("title", String.class, Doc::title).build();
        Column<Doc, String> stranger = Column.builder("body", String.class, Doc::body).build();
        assertThatThrownBy(() -> doc().columns(key, title).key(key).index("By Title", title).build()).hasMessageContaining("[a-z][a-z0-9_]*");
        assertThatThrownBy(() -> doc().columns(key, title).key(key).index("by_title", title).index("by_title", title).build())
                .hasMessageContaining("declared twice");
        assertThatThrownBy(() -> doc().columns(key, title).key(key).index("by_body", stranger).build())
                .hasMessageContaining("not among the entity's columns");
    }

    @Test
    void aKeyOrIndexMustFitWhatTheDatabasesCanIndex() {
        Column<Doc, String> key = Column.builder("id", String.class, Doc::id).nullable(false).maxLength(400).build();
        Column<Doc, String> part = Column.builder("part", String.class, Doc::part).nullable(false).maxLength(400).build();
        // 800 characters of up to 4 bytes (plus a length prefix each): over the 2,600 bytes both databases index
        assertThatThrownBy(() -> doc().columns(key, part).key(key, part).build()).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("primary key may take 3204 bytes").hasMessageContaining("maxLength");
        Column<Doc, String> shortKey = Column.builder("id", String.class, Doc::id).nullable(false).maxLength(300).build();
        Column<Doc, String> shortPart = Column.builder("part", String.class, Doc::part).nullable(false).maxLength(300).build();
        assertThat(doc().columns(shortKey, shortPart).key(shortKey, shortPart).build().key()).hasSize(2);
    }

    @Test
    void aTtlMustBePositive() {
        Column<Doc, String> key = id();
        assertThatThrownBy(() -> doc().columns(key).key(key).ttl(Duration.ZERO).build()).hasMessageContaining("ttl must be positive");
    }

    @Test
    void aPartialWriteSaysWhatHappenedToEachRow() {
        PartialWriteException e = PartialWriteException.of("docs: createManyWithKV", List.of(
                new PartialWriteException.RowOutcome(0, PartialWriteException.Status.WRITTEN, "a", null),
                new PartialWriteException.RowOutcome(1, PartialWriteException.Status.NOT_WRITTEN, "b", new DuplicateKeyException("b exists")),
                new PartialWriteException.RowOutcome(2, PartialWriteException.Status.UNKNOWN, "c",
                        new WriteOutcomeUnknownException("no reply", null))));
        assertThat(e.getMessage()).contains("1 of 3 rows written, 1 not written, 1 unknown", "first failure: b exists");
        assertThat(e.getCause()).isInstanceOf(DuplicateKeyException.class);
        assertThat(e.outcomes(PartialWriteException.Status.UNKNOWN)).extracting(PartialWriteException.RowOutcome::index).containsExactly(2);
    }
}
