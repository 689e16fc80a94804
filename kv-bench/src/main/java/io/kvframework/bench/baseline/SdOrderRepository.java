package io.kvframework.bench.baseline;

import java.util.List;
import org.springframework.data.repository.CrudRepository;

/** A Spring Data Redis repository with a derived query on an {@code @Indexed} field. */
public interface SdOrderRepository extends CrudRepository<SdOrder, String> {
    List<SdOrder> findByCity(String city);
}
