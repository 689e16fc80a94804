package io.kvframework.bench.baseline;

import io.kvframework.testkit.RedisServer;
import io.lettuce.core.RedisURI;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisKeyValueAdapter;
import org.springframework.data.redis.core.RedisKeyValueTemplate;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.mapping.RedisMappingContext;
import org.springframework.data.redis.repository.support.RedisRepositoryFactory;

/**
 * A Spring Data Redis repository of {@link SdOrder}, wired the way Spring Boot's auto-configuration
 * does it (Lettuce connection factory, key-value adapter, repository factory), on the benchmark's
 * Redis server. Its keys live under {@code sd_bench_orders}, removed on open and on close.
 */
public final class SpringDataRedis implements AutoCloseable {
    /** The keyspace of {@link SdOrder}. */
    public static final String KEYSPACE = "sd_bench_orders";

    private final LettuceConnectionFactory factory;
    private final RedisKeyValueAdapter adapter;
    private final SdOrderRepository repository;

    public SpringDataRedis(RedisServer redis) {
        RedisURI uri = redis.redisUri();
        RedisStandaloneConfiguration config = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
        config.setDatabase(uri.getDatabase());
        if (uri.getPassword() != null) {
            config.setPassword(RedisPassword.of(uri.getPassword()));
        }
        factory = new LettuceConnectionFactory(config);
        factory.afterPropertiesSet();
        factory.start();
        RedisTemplate<byte[], byte[]> template = new RedisTemplate<>();
        template.setConnectionFactory(factory);
        template.afterPropertiesSet();
        RedisMappingContext mapping = new RedisMappingContext();
        adapter = new RedisKeyValueAdapter(template, mapping);
        adapter.afterPropertiesSet();
        repository = new RedisRepositoryFactory(new RedisKeyValueTemplate(adapter, mapping)).getRepository(SdOrderRepository.class);
        clear();
    }

    public SdOrderRepository repository() {
        return repository;
    }

    /** Removes every key of the keyspace. */
    public void clear() {
        repository.deleteAll();
    }

    @Override
    public void close() {
        try {
            clear();
        } finally {
            try {
                adapter.destroy();
            } catch (Exception e) {
                // closing anyway
            }
            factory.destroy();
        }
    }
}
