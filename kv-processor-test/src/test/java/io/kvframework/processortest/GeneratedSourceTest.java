package io.kvframework.processortest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.redis.KvEntityRegistration;
import java.lang.reflect.Method;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the processor generates besides the Table class: finders per index and the registration, without a server. */
class GeneratedSourceTest {

    @Test
    void aUniqueIndexGetsAnOptionalFinderAndAPlainOneAListFinder() throws Exception {
        Method byEmail = CustomerRepository.class.getMethod("findByEmail", String.class);
        assertThat(byEmail.getReturnType()).isEqualTo(Optional.class);
        Method byTier = CustomerRepository.class.getMethod("findAllByTier", Customer.Tier.class);
        assertThat(byTier.getReturnType()).isEqualTo(List.class);
    }

    @Test
    void aCompositeIndexFinderTakesItsColumnsInIndexOrder() throws Exception {
        Method finder = ShipmentRepository.class.getMethod("findAllByCarrierAndShipDay", String.class, LocalDate.class);
        assertThat(finder.getReturnType()).isEqualTo(List.class);
    }

    @Test
    void theNewRepositoryCallsAreDelegated() throws Exception {
        assertThat(CustomerRepository.class.getMethod("saveWithKV", Customer.class).getReturnType()).isEqualTo(Customer.class);
        assertThat(CustomerRepository.class.getMethod("saveWithKV", Customer.class, long.class).getReturnType()).isEqualTo(Customer.class);
        assertThat(CustomerRepository.class.getMethod("countWithKV", io.kvframework.core.Where.class).getReturnType()).isEqualTo(long.class);
        assertThat(CustomerRepository.class.getMethod("deleteOneWithKV", io.kvframework.core.Where.class).getReturnType())
                .isEqualTo(boolean.class);
    }

    @Test
    void everyEntityIsRegisteredForIntegrationsThroughTheServiceFile() {
        List<KvEntityRegistration<?, ?>> all = KvEntityRegistration.all(getClass().getClassLoader());
        assertThat(all).extracting(r -> r.model().table()).contains("customers", "shipments");
        assertThat(all).filteredOn(r -> r.model().table().equals("customers")).singleElement().satisfies(r -> {
            assertThat(r).isInstanceOf(CustomerRepository.Registration.class);
            assertThat(r.repositoryType()).isEqualTo(CustomerRepository.class);
            assertThat(r.model()).isSameAs(CustomerTable.MODEL);
        });
    }
}
