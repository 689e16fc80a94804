package io.kvframework.spring.boot;

import io.kvframework.redis.KvClient;
import io.kvframework.redis.support.Futures;
import io.kvframework.stream.HealthState;
import io.kvframework.stream.StreamService;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * Health of KV Framework's parts for Spring Boot's actuator. A stream component (drainer, Kafka
 * bridge) is {@code UP} when it keeps up, {@value #DEGRADED_CODE} while it lags or dead letters
 * wait for an operator (with the backlog and the oldest pending entry's age), and {@code DOWN}
 * when it is stalled, stopped, failed or cannot reach its sink.
 */
public final class KvHealthIndicators {
    /** The status code of a component that works but needs attention. */
    public static final String DEGRADED_CODE = "DEGRADED";
    /** A component that works but needs attention: lagging, or dead letters waiting. */
    public static final Status DEGRADED = new Status(DEGRADED_CODE, "working, but lagging or holding dead letters");

    private KvHealthIndicators() {
    }

    /** The status a component's health state maps to. */
    public static Status status(HealthState state) {
        return switch (state) {
            case OK -> Status.UP;
            case LAGGING, DEAD_LETTERS -> DEGRADED;
            case STALLED, SINK_UNAVAILABLE, FAILED, STOPPED -> Status.DOWN;
        };
    }

    /** The health of a drainer or bridge, with its state, backlog, oldest pending age, dead letters and owned and stalled shards. */
    public static HealthIndicator of(StreamService service) {
        return () -> {
            HealthState state = service.health();
            return Health.status(status(state)).withDetail("state", state.name()).withDetail("backlog", service.backlog())
                    .withDetail("oldestPendingAgeMs", service.engine().oldestAgeMillis())
                    .withDetail("deadLetters", service.engine().deadLetterCount())
                    .withDetail("ownedShards", service.engine().ownedShards())
                    .withDetail("stalledShards", service.engine().stalledShards()).build();
        };
    }

    /** Whether Redis answers PING within the client's command timeout. */
    public static HealthIndicator redis(KvClient kv) {
        return () -> {
            try {
                String pong = Futures.await(kv.redis().ping(), kv.options().commandTimeout(), "PING");
                return Health.up().withDetail("namespace", kv.keys().namespace()).withDetail("reply", pong).build();
            } catch (RuntimeException e) {
                return Health.down(e).withDetail("namespace", kv.keys().namespace()).build();
            }
        };
    }
}
