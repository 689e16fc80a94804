package io.kvframework.stream;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** Immutable settings of a {@link StreamEngine}; every value is checked in {@link Builder#build()}. */
public final class EngineOptions {
    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(10);
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_LEASE_RENEW_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_LAG_THRESHOLD = Duration.ofSeconds(5);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
    /** Batches in flight to an asynchronous sink by default. */
    public static final int DEFAULT_MAX_IN_FLIGHT_BATCHES = 4;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final String group;
    private final String instanceId;
    private final int batchSize;
    private final int maxInFlightBatches;
    private final Duration pollInterval;
    private final Duration leaseTtl;
    private final Duration leaseRenewInterval;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final Duration maintenanceInterval;
    private final Duration lagThreshold;
    private final Duration stallTimeout;
    private final List<String> retainForGroups;
    private final java.util.concurrent.ThreadFactory threadFactory;
    private final MeterRegistry meterRegistry;

    private EngineOptions(Builder b) {
        this.group = b.group;
        this.instanceId = b.instanceId;
        this.batchSize = b.batchSize;
        this.maxInFlightBatches = b.maxInFlightBatches;
        this.pollInterval = b.pollInterval;
        this.leaseTtl = b.leaseTtl;
        this.leaseRenewInterval = b.leaseRenewInterval;
        this.retryInitial = b.retryInitial;
        this.retryMax = b.retryMax;
        this.maintenanceInterval = b.maintenanceInterval;
        this.lagThreshold = b.lagThreshold;
        this.stallTimeout = b.stallTimeout;
        this.retainForGroups = List.copyOf(b.retainForGroups);
        this.threadFactory = b.threadFactory;
        this.meterRegistry = b.meterRegistry;
    }

    public static Builder builder(String group) {
        return new Builder(group);
    }

    /** Consumer group on every shard stream, for example {@code drainer}. */
    public String group() {
        return group;
    }

    /** Unique name of this instance (consumer name and lease owner). */
    public String instanceId() {
        return instanceId;
    }

    /** Most entries handled in one batch. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Most batches handed to a sink that writes asynchronously ({@code ChangeSink.writeAsync}) and not
     * yet acknowledged, while the engine reads the next ones; 1 writes one batch at a time.
     */
    public int maxInFlightBatches() {
        return maxInFlightBatches;
    }

    /** Pause when every owned shard was empty. */
    public Duration pollInterval() {
        return pollInterval;
    }

    public Duration leaseTtl() {
        return leaseTtl;
    }

    public Duration leaseRenewInterval() {
        return leaseRenewInterval;
    }

    public Duration retryInitial() {
        return retryInitial;
    }

    public Duration retryMax() {
        return retryMax;
    }

    /** How often trimming, lag metrics and the sink's housekeeping run. */
    public Duration maintenanceInterval() {
        return maintenanceInterval;
    }

    /** Age of the oldest unprocessed entry above which health is {@link HealthState#LAGGING}. */
    public Duration lagThreshold() {
        return lagThreshold;
    }

    /**
     * How long a shard may have entries not acknowledged by the group without any progress (its
     * oldest unacknowledged entry stays the same, whoever owns the shard) before health says
     * {@link HealthState#STALLED}; default 60 s.
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /**
     * Other consumer groups whose entries must not be trimmed before they acknowledge them; they
     * are created (from the start of each stream) if they do not exist, so that trimming waits for
     * them even before their first consumer runs.
     */
    public List<String> retainForGroups() {
        return retainForGroups;
    }

    /**
     * Makes the engine's threads (worker, maintenance, leases; the drainer's mode switches); null
     * (the default) means daemon threads named {@code kv-engine-<group>-<instance>[-<role>]}. An
     * application server passes its managed factory, as with HikariCP's {@code threadFactory}.
     */
    public java.util.concurrent.ThreadFactory threadFactory() {
        return threadFactory;
    }

    /** A thread for {@code task}: from {@link #threadFactory()}, or a daemon thread called {@code name}. */
    public Thread newThread(Runnable task, String name) {
        if (threadFactory != null) {
            return threadFactory.newThread(task);
        }
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    /** Where the engine's {@code kv.engine.*} meters go; null (the default) means the KvClient's {@code KvOptions.meterRegistry}. */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** Builds {@link EngineOptions}. */
    public static final class Builder {
        private final String group;
        private String instanceId = UUID.randomUUID().toString().substring(0, 8);
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int maxInFlightBatches = DEFAULT_MAX_IN_FLIGHT_BATCHES;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration leaseTtl = DEFAULT_LEASE_TTL;
        private Duration leaseRenewInterval = DEFAULT_LEASE_RENEW_INTERVAL;
        private Duration retryInitial = DEFAULT_RETRY_INITIAL;
        private Duration retryMax = DEFAULT_RETRY_MAX;
        private Duration maintenanceInterval = DEFAULT_MAINTENANCE_INTERVAL;
        private Duration lagThreshold = DEFAULT_LAG_THRESHOLD;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private List<String> retainForGroups = List.of();
        private java.util.concurrent.ThreadFactory threadFactory;
        private MeterRegistry meterRegistry;

        private Builder(String group) {
            this.group = group;
        }

        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** See {@link EngineOptions#maxInFlightBatches()}; 1..64, default {@value EngineOptions#DEFAULT_MAX_IN_FLIGHT_BATCHES}. */
        public Builder maxInFlightBatches(int batches) {
            this.maxInFlightBatches = batches;
            return this;
        }

        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        public Builder leaseTtl(Duration leaseTtl) {
            this.leaseTtl = leaseTtl;
            return this;
        }

        public Builder leaseRenewInterval(Duration leaseRenewInterval) {
            this.leaseRenewInterval = leaseRenewInterval;
            return this;
        }

        public Builder retryInitial(Duration retryInitial) {
            this.retryInitial = retryInitial;
            return this;
        }

        public Builder retryMax(Duration retryMax) {
            this.retryMax = retryMax;
            return this;
        }

        public Builder maintenanceInterval(Duration maintenanceInterval) {
            this.maintenanceInterval = maintenanceInterval;
            return this;
        }

        /** See {@link EngineOptions#stallTimeout()}. */
        public Builder stallTimeout(Duration stallTimeout) {
            this.stallTimeout = stallTimeout;
            return this;
        }

        public Builder lagThreshold(Duration lagThreshold) {
            this.lagThreshold = lagThreshold;
            return this;
        }

        /** See {@link EngineOptions#threadFactory()}. */
        public Builder threadFactory(java.util.concurrent.ThreadFactory threadFactory) {
            this.threadFactory = threadFactory;
            return this;
        }

        public Builder retainForGroups(List<String> groups) {
            this.retainForGroups = groups;
            return this;
        }

        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public EngineOptions build() {
            name("group", group);
            name("instanceId", instanceId);
            Objects.requireNonNull(retainForGroups, "EngineOptions.retainForGroups");
            retainForGroups.forEach(g -> name("retainForGroups", g));
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("EngineOptions.batchSize must be 1..100000, got " + batchSize);
            }
            if (maxInFlightBatches < 1 || maxInFlightBatches > 64) {
                throw new IllegalArgumentException("EngineOptions.maxInFlightBatches must be 1..64, got " + maxInFlightBatches);
            }
            positive("pollInterval", pollInterval);
            positive("leaseTtl", leaseTtl);
            positive("leaseRenewInterval", leaseRenewInterval);
            positive("retryInitial", retryInitial);
            positive("retryMax", retryMax);
            positive("maintenanceInterval", maintenanceInterval);
            positive("lagThreshold", lagThreshold);
            positive("stallTimeout", stallTimeout);
            if (leaseRenewInterval.compareTo(leaseTtl.dividedBy(2)) > 0) {
                throw new IllegalArgumentException("EngineOptions.leaseRenewInterval (" + leaseRenewInterval
                        + ") must be at most half of leaseTtl (" + leaseTtl + ")");
            }
            if (retryMax.compareTo(retryInitial) < 0) {
                throw new IllegalArgumentException("EngineOptions.retryMax must be >= retryInitial");
            }
            return new EngineOptions(this);
        }

        private static void name(String what, String value) {
            if (value == null || !NAME.matcher(value).matches()) {
                throw new IllegalArgumentException("EngineOptions." + what + " must match [A-Za-z0-9_.-]{1,64}, got '" + value + "'");
            }
        }

        private static void positive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("EngineOptions." + what + " must be a positive duration, got " + d);
            }
        }
    }
}
