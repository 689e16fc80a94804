package io.kvframework.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Immutable settings of a {@link KvClient}. Build with {@link #builder()}; {@link #create()} gives
 * the defaults. Every setting is checked in {@link Builder#build()}, whose message names it.
 */
public final class KvOptions {
    /** Default key namespace: every Redis key starts with <code>{kv:</code>. */
    public static final String DEFAULT_NAMESPACE = "kv";
    /** Default number of stream shards. Fixed for the life of a deployment: changing it re-maps keys. */
    public static final int DEFAULT_SHARDS = 64;
    /** Default time a drained row stays cached in Redis. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** Default time a drained delete's tombstone stays in Redis. */
    public static final Duration DEFAULT_TOMBSTONE_TTL = Duration.ofMinutes(1);
    /** Default largest String (characters), byte[] (bytes) or JSON text (characters) of one value. */
    public static final int DEFAULT_MAX_VALUE_LENGTH = 1 << 20;
    /** Default size of the per-shard key filter, in bits (128 KiB per shard). */
    public static final int DEFAULT_KEY_FILTER_BITS = 1 << 20;
    /** Bits of the first layer of each shard's key filter by default (1 KiB; 256 keys). */
    public static final int DEFAULT_KEY_FILTER_INITIAL_BITS = 1 << 13;
    /** Default Redis command timeout. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** Default number of retries of an update or delete that lost a race with another writer. */
    public static final int DEFAULT_CONFLICT_RETRIES = 32;

    /** How {@code createWithKV} makes sure a key Redis has no trace of is not in the database either. */
    public enum CreateCheck {
        /**
         * Ask the database only when the shard's key filter (a Bloom filter of every key ever
         * created or cached through KV Framework) may contain the key. Brand-new keys cost no
         * database round trip. Rows that were in the database before KV Framework wrote them are
         * not in the filter: use {@link #DATABASE} for such tables.
         */
        KEY_FILTER,
        /** Ask the database for every key Redis has no trace of. */
        DATABASE
    }

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    private final String namespace;
    private final int shards;
    private final Duration defaultTtl;
    private final Duration tombstoneTtl;
    private final int maxValueLength;
    private final int keyFilterBits;
    private final int keyFilterInitialBits;
    private final CreateCheck createCheck;
    private final Duration commandTimeout;
    private final int conflictRetries;
    private final MeterRegistry meterRegistry;
    private final ObservationRegistry observationRegistry;
    private final int blockingThreads;

    private KvOptions(Builder b) {
        this.namespace = b.namespace;
        this.shards = b.shards;
        this.defaultTtl = b.defaultTtl;
        this.tombstoneTtl = b.tombstoneTtl;
        this.maxValueLength = b.maxValueLength;
        this.keyFilterBits = b.keyFilterBits;
        this.keyFilterInitialBits = b.keyFilterInitialBits;
        this.createCheck = b.createCheck;
        this.commandTimeout = b.commandTimeout;
        this.conflictRetries = b.conflictRetries;
        this.meterRegistry = b.meterRegistry;
        this.observationRegistry = b.observationRegistry;
        this.blockingThreads = b.blockingThreads;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static KvOptions create() {
        return builder().build();
    }

    /** A builder with this object's values. */
    public Builder mutate() {
        return new Builder().namespace(namespace).shards(shards).defaultTtl(defaultTtl).tombstoneTtl(tombstoneTtl)
                .maxValueLength(maxValueLength).keyFilterBits(keyFilterBits).keyFilterInitialBits(keyFilterInitialBits).createCheck(createCheck)
                .commandTimeout(commandTimeout).conflictRetries(conflictRetries).meterRegistry(meterRegistry)
                .observationRegistry(observationRegistry).blockingThreads(blockingThreads);
    }

    public String namespace() {
        return namespace;
    }

    public int shards() {
        return shards;
    }

    public Duration defaultTtl() {
        return defaultTtl;
    }

    public Duration tombstoneTtl() {
        return tombstoneTtl;
    }

    public int maxValueLength() {
        return maxValueLength;
    }

    /** Bits of the first layer of each shard's key filter (see {@link Builder#keyFilterInitialBits}). */
    public int keyFilterInitialBits() {
        return keyFilterInitialBits;
    }

    /** Size of the old fixed key filter per shard, consulted while it exists (see {@link Builder#keyFilterBits}). */
    public int keyFilterBits() {
        return keyFilterBits;
    }

    public CreateCheck createCheck() {
        return createCheck;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public int conflictRetries() {
        return conflictRetries;
    }

    /** Where the repositories register their meters ({@code kv.reads}, {@code kv.writes}). */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** Threads of the client's executor for the blocking steps of asynchronous repository calls. */
    public int blockingThreads() {
        return blockingThreads;
    }

    /** Where repository calls and drained batches are observed (spans, timers); {@link ObservationRegistry#NOOP} by default. */
    public ObservationRegistry observationRegistry() {
        return observationRegistry;
    }

    @Override
    public String toString() {
        return "KvOptions[namespace=" + namespace + ", shards=" + shards + ", defaultTtl=" + defaultTtl + ", tombstoneTtl="
                + tombstoneTtl + ", maxValueLength=" + maxValueLength + ", keyFilterBits=" + keyFilterBits + ", keyFilterInitialBits=" + keyFilterInitialBits + ", createCheck="
                + createCheck + ", commandTimeout=" + commandTimeout + ", conflictRetries=" + conflictRetries + "]";
    }

    /** Builds {@link KvOptions}. */
    public static final class Builder {
        private String namespace = DEFAULT_NAMESPACE;
        private int shards = DEFAULT_SHARDS;
        private Duration defaultTtl = DEFAULT_TTL;
        private Duration tombstoneTtl = DEFAULT_TOMBSTONE_TTL;
        private int maxValueLength = DEFAULT_MAX_VALUE_LENGTH;
        private int keyFilterBits = DEFAULT_KEY_FILTER_BITS;
        private int keyFilterInitialBits = DEFAULT_KEY_FILTER_INITIAL_BITS;
        private CreateCheck createCheck = CreateCheck.KEY_FILTER;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private int conflictRetries = DEFAULT_CONFLICT_RETRIES;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;
        private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
        private int blockingThreads = 16;

        private Builder() {
        }

        /** Key namespace, {@code [A-Za-z0-9_.-]}, 1 to 32 characters. */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** Number of stream shards, 1 to 16384. */
        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        /** How long drained rows stay cached, unless their entity declares its own TTL. */
        public Builder defaultTtl(Duration defaultTtl) {
            this.defaultTtl = defaultTtl;
            return this;
        }

        /** How long the tombstone of a drained delete stays. */
        public Builder tombstoneTtl(Duration tombstoneTtl) {
            this.tombstoneTtl = tombstoneTtl;
            return this;
        }

        /** Largest String/byte[]/JSON value, for columns that declare no maxLength. */
        public Builder maxValueLength(int maxValueLength) {
            this.maxValueLength = maxValueLength;
            return this;
        }

        /**
         * Bits of the first layer of each shard's key filter (a power of two, 1024 to 2^26; default
         * 2^13 = 1 KiB, room for 256 keys per shard at 32 bits per key). The filter adds layers four
         * times larger as keys come (4 KiB, 16 KiB, 64 KiB, ...), so a small data set costs little
         * memory; a create looks at every layer in the one {@code BITFIELD} call it makes anyway (one
         * more 32-bit read per layer). It applies to filters made from then on: a filter records the
         * size it was made with, and keeps it.
         */
        public Builder keyFilterInitialBits(int bits) {
            this.keyFilterInitialBits = bits;
            return this;
        }

        /**
         * Size in bits (a power of two, at least 1024) of the fixed key filter per shard that versions
         * before the growing filter kept ({@code {ns:s}:bloom}): scripts consult it while it exists, so
         * it must stay what those versions used. The filter in use grows with the keys it holds.
         */
        public Builder keyFilterBits(int keyFilterBits) {
            this.keyFilterBits = keyFilterBits;
            return this;
        }

        public Builder createCheck(CreateCheck createCheck) {
            this.createCheck = createCheck;
            return this;
        }

        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        /** How often an update or delete that lost a race re-reads the row and tries again. */
        public Builder conflictRetries(int conflictRetries) {
            this.conflictRetries = conflictRetries;
            return this;
        }

        /**
         * Registry for the repositories' meters; defaults to Micrometer's global registry, so an
         * application that binds a registry there (as Spring Boot does) sees them without wiring.
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /**
         * Registry of Micrometer observations: every repository call becomes an observation
         * {@code kv.repository} and every drained batch {@code kv.engine.batch} (spans in traces,
         * timers in metrics). Spring Boot's starter sets the application's.
         */
        public Builder observationRegistry(ObservationRegistry observationRegistry) {
            this.observationRegistry = observationRegistry;
            return this;
        }

        /**
         * Threads for the blocking steps of asynchronous repository calls (database reads and
         * writes, unique claims); default 16. Calls that only need Redis use none.
         */
        public Builder blockingThreads(int blockingThreads) {
            this.blockingThreads = blockingThreads;
            return this;
        }

        public KvOptions build() {
            if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
                throw new IllegalArgumentException("KvOptions.namespace must match [A-Za-z0-9_.-]{1,32}, got '" + namespace + "'");
            }
            if (shards < 1 || shards > 16384) {
                throw new IllegalArgumentException("KvOptions.shards must be 1..16384, got " + shards);
            }
            positive("defaultTtl", defaultTtl);
            positive("tombstoneTtl", tombstoneTtl);
            positive("commandTimeout", commandTimeout);
            if (maxValueLength < 1) {
                throw new IllegalArgumentException("KvOptions.maxValueLength must be positive, got " + maxValueLength);
            }
            if (keyFilterInitialBits < 1024 || keyFilterInitialBits > (1 << 26) || Integer.bitCount(keyFilterInitialBits) != 1) {
                throw new IllegalArgumentException("KvOptions.keyFilterInitialBits must be a power of two from 1024 to 2^26, got "
                        + keyFilterInitialBits);
            }
            if (keyFilterBits < 1024 || Integer.bitCount(keyFilterBits) != 1) {
                throw new IllegalArgumentException("KvOptions.keyFilterBits must be a power of two >= 1024, got " + keyFilterBits);
            }
            Objects.requireNonNull(createCheck, "KvOptions.createCheck");
            Objects.requireNonNull(meterRegistry, "KvOptions.meterRegistry");
            Objects.requireNonNull(observationRegistry, "KvOptions.observationRegistry");
            if (blockingThreads < 1) {
                throw new IllegalArgumentException("KvOptions.blockingThreads must be >= 1, got " + blockingThreads);
            }
            if (conflictRetries < 0) {
                throw new IllegalArgumentException("KvOptions.conflictRetries must be >= 0, got " + conflictRetries);
            }
            return new KvOptions(this);
        }

        private static void positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("KvOptions." + name + " must be a positive duration, got " + d);
            }
        }
    }
}
