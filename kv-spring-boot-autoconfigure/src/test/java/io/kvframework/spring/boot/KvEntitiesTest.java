package io.kvframework.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.redis.KvEntityRegistration;
import io.kvframework.spring.boot.notes.NoteRepository;
import io.kvframework.spring.boot.notes.NoteTable;
import io.kvframework.spring.boot.other.TagTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which entities an application uses: the processor's registrations, filtered by package. */
class KvEntitiesTest {
    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void theProcessorRegistersEveryEntityWithItsModelAndRepositoryType() {
        List<KvEntityRegistration<?, ?>> all = KvEntityRegistration.all(loader);
        assertThat(all).extracting(r -> (Object) r.model()).contains(NoteTable.MODEL, TagTable.MODEL);
        assertThat(all).filteredOn(r -> r.model() == NoteTable.MODEL).singleElement()
                .satisfies(r -> assertThat(r.repositoryType()).isEqualTo(NoteRepository.class));
    }

    @Test
    void withoutPackagesEveryEntityIsUsedAndPackagesSelectThemAndTheirSubPackages() {
        assertThat(KvEntities.select(loader, List.of()).models()).contains(NoteTable.MODEL, TagTable.MODEL);
        assertThat(KvEntities.select(loader, List.of("io.kvframework.spring.boot.notes")).models()).containsExactly(NoteTable.MODEL);
        assertThat(KvEntities.select(loader, List.of("io.kvframework.spring.boot")).models()).contains(NoteTable.MODEL, TagTable.MODEL);
        // a package that only shares a prefix is not a sub-package
        assertThat(KvEntities.select(loader, List.of("io.kvframework.spring.boot.no")).models()).isEmpty();
    }
}
